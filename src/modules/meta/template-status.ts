import type { EntityManager } from '@mikro-orm/sql';
import { MessageTemplate, type IMessageTemplate } from '../templates/message-template.entity.ts';
import type { MetaTemplateStatusUpdate } from './payload.ts';
import { fromMetaCategory } from '../templates/category.ts';

/**
 * `message_template_status_update` → message_templates. The templates module owns the table; this
 * only routes Meta's verdict. Meta's events are mapped onto our two columns:
 * `status` (our lifecycle) and `approval_status_meta` (Meta's verdict).
 */

export interface TemplateStatusChange {
  event: string;
  metaTemplateId: string | null;
  metaTemplateName: string | null;
  language: string | null;
  reason: string | null;
  /** entry.time (seconds): a late retry of an older event must not undo a newer one. */
  eventTime: number | null;
  /** CATEGORY_UPDATE only: Meta's new category (MARKETING, UTILITY, AUTHENTICATION). */
  newCategory?: string | null;
}

type Effect = { status?: IMessageTemplate['status']; approval: IMessageTemplate['approvalStatusMeta']; keepReason?: boolean };

const EFFECTS: Record<string, Effect> = {
  APPROVED: { status: 'approved', approval: 'approved' },
  REINSTATED: { status: 'approved', approval: 'approved' },
  REJECTED: { status: 'rejected', approval: 'rejected', keepReason: true },
  PENDING: { status: 'pending_approval', approval: 'pending' },
  IN_APPEAL: { status: 'pending_approval', approval: 'pending' },
  // Paused/locked templates may come back (quality recovers): our lifecycle status is kept, only
  // Meta's verdict says they cannot be sent right now.
  PAUSED: { approval: 'disabled', keepReason: true },
  LOCKED: { approval: 'disabled', keepReason: true },
  DISABLED: { status: 'archived', approval: 'disabled', keepReason: true },
  PENDING_DELETION: { status: 'archived', approval: 'disabled' },
  DELETED: { status: 'archived', approval: 'disabled' },
};

/** A usable string field of untrusted JSON (not empty, not absurdly long), or null. */
const text = (v: unknown, max = 255): string | null => (typeof v === 'string' && v.trim() && v.length <= max ? v : null);

export function parseTemplateStatus(value: MetaTemplateStatusUpdate, entryTime?: number): TemplateStatusChange | null {
  const event = text(value.event, 64)?.toUpperCase() ?? null;
  if (!event) return null;
  const id = value.message_template_id;
  const info = (value.other_info && typeof value.other_info === 'object' ? value.other_info : {}) as Record<string, unknown>;
  const given = text(value.reason, 2000);
  const reason = (given && given !== 'NONE' ? given : null) ?? text(info.description, 2000) ?? text(info.title, 2000);
  return {
    event,
    metaTemplateId: (typeof id === 'number' && Number.isSafeInteger(id)) ? String(id) : text(id),
    metaTemplateName: text(value.message_template_name),
    language: text(value.message_template_language, 10),
    reason,
    eventTime: typeof entryTime === 'number' && Number.isFinite(entryTime) ? entryTime : null,
    ...(text(value.new_category, 32) ? { newCategory: text(value.new_category, 32)!.toUpperCase() } : {}),
  };
}

/** Events that carry no status change (FLAGGED is a quality warning) map to null. */
export function templateEffect(event: string): Effect | null {
  return EFFECTS[event] ?? null;
}

/** A template whose status or verdict this change actually moved (for audit, cache and alerts). */
export interface AppliedTemplateStatus {
  templateId: string;
  templateName: string;
  event: string;
  reason: string | null;
  before: { status: IMessageTemplate['status']; approval: IMessageTemplate['approvalStatusMeta'] };
  after: { status: IMessageTemplate['status']; approval: IMessageTemplate['approvalStatusMeta'] };
}

/** The local templates a change names (by Meta id, Meta name or our name, and language). */
async function matchingTemplates(em: EntityManager, change: TemplateStatusChange): Promise<IMessageTemplate[]> {
  const or: Array<Record<string, unknown>> = [];
  if (change.metaTemplateId) or.push({ metaTemplateId: change.metaTemplateId });
  if (change.metaTemplateName) or.push({ metaTemplateName: change.metaTemplateName }, { templateName: change.metaTemplateName });
  if (!or.length) return [];
  const where: Record<string, unknown> = { $or: or };
  // Meta names one template per language; ours carries its language_code.
  if (change.language && !change.metaTemplateId) where.languageCode = change.language;
  const found = await em.find(MessageTemplate, where as never);
  return !found.length && where.languageCode ? em.find(MessageTemplate, { $or: or } as never) : found;
}

/**
 * `template_category_update`: Meta recategorized a template (it may, e.g. UTILITY → MARKETING).
 * The local PRD category follows (a local category that already maps to Meta's is kept).
 */
async function applyCategoryChange(em: EntityManager, change: TemplateStatusChange): Promise<number> {
  const rows = await matchingTemplates(em, change);
  for (const tpl of rows) {
    const next = fromMetaCategory(change.newCategory, tpl.templateCategory);
    if (next && next !== tpl.templateCategory) tpl.templateCategory = next;
  }
  await em.flush();
  return rows.length;
}

/**
 * Applies the change; idempotent (the same event twice leaves the row untouched). Returns the
 * number of templates it concerns: 0 when no local template matches (created in Meta's UI only).
 * Templates actually moved are pushed onto `applied` (the templates module audits and alerts).
 */
export async function applyTemplateStatus(em: EntityManager, change: TemplateStatusChange, now: Date, applied: AppliedTemplateStatus[] = []): Promise<number> {
  if (change.event === 'CATEGORY_UPDATE') return applyCategoryChange(em, change);
  const effect = templateEffect(change.event);
  if (!effect) return 0;
  const rows = await matchingTemplates(em, change);
  let updated = 0;
  for (const tpl of rows) {
    const last = tpl.metaResponseData as { event?: string; reason?: string | null; eventTime?: number | null } | null;
    const seen = last?.eventTime;
    if (change.eventTime !== null && typeof seen === 'number' && seen > change.eventTime) continue;
    updated++;
    // The same event again (Meta's retry, or a rebatched envelope): already applied, leave the
    // row (and its updated_at) alone.
    if (last?.event === change.event && (last.reason ?? null) === change.reason) continue;
    const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
    if (effect.status) tpl.status = effect.status;
    tpl.approvalStatusMeta = effect.approval;
    if (change.metaTemplateId && !tpl.metaTemplateId) tpl.metaTemplateId = change.metaTemplateId;
    tpl.rejectionReason = effect.keepReason ? change.reason : effect.approval === 'approved' ? null : tpl.rejectionReason;
    if (effect.approval === 'approved' && !tpl.approvalDate) tpl.approvalDate = now;
    tpl.metaResponseData = {
      event: change.event,
      reason: change.reason,
      language: change.language,
      eventTime: change.eventTime,
      at: now.toISOString(),
    };
    applied.push({ templateId: tpl.templateId, templateName: tpl.templateName, event: change.event, reason: change.reason, before, after: { status: tpl.status, approval: tpl.approvalStatusMeta } });
  }
  await em.flush();
  return updated;
}
