import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../logger.ts';
import { t } from '../../shared/i18n/index.ts';
import { templateEffect, type AppliedTemplateStatus } from '../meta/template-status.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { MessageTemplate, type IMessageTemplate } from './message-template.entity.ts';
import { fromMetaCategory, type PrdCategory } from './category.ts';
import { fromMetaComponents } from './components.ts';
import { applyContentToRow, writeChildren } from './content.ts';
import { superAdminPhones, type Alerts } from './alerts.ts';
import type { Actor, TemplatesCore } from './template-core.ts';
import type { MetaTemplate, TemplateGraph } from './template-graph.ts';

/**
 * Meta → us: the full paged list of the WABA's templates (every 6 hours and on
 * `/plantilla sincronizar`) and status webhooks. Both update status, Meta's verdict, Meta's id,
 * the rejection reason and the category; every status change is audited, the cache is dropped,
 * and a pause or disable tells the owner and the super_admins. Templates created in Meta's
 * manager are imported with their components, buttons and variables.
 */

export interface SyncResult {
  total: number;
  pages: number;
  imported: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface SyncDeps {
  core: TemplatesCore;
  graph: TemplateGraph;
  alerts: Alerts;
  logger: Logger;
  now(): Date;
  invalidate(): void;
}

const SYSTEM: Actor = { userId: null, phone: null, channel: 'system' };

export function createTemplateSync(deps: SyncDeps) {
  const log = deps.logger.child({ module: 'templates.sync' });

  /** Owner + super_admins hear about a template Meta paused or disabled. */
  async function alertPause(em: EntityManager, changes: Array<{ tpl: IMessageTemplate; event: string; reason: string | null }>) {
    if (!changes.length) return;
    const admins = await superAdminPhones(em);
    for (const { tpl, event, reason } of changes) {
      const owner = await em.findOne(Usuario, { id: (tpl.createdByUser as { id: number }).id } as never, { fields: ['phoneNumber'] as never });
      const key = event === 'PAUSED' || event === 'LOCKED' ? 'templates.alert.paused' : 'templates.alert.disabled';
      await deps.alerts.tell([...(owner?.phoneNumber ? [owner.phoneNumber] : []), ...admins], t(key, { name: tpl.templateName, reason: reason ? ` (${reason})` : '' }));
    }
  }

  const becameDisabled = (before: string, after: string) => before !== 'disabled' && after === 'disabled';

  function applyRemote(tpl: IMessageTemplate, remote: MetaTemplate, now: Date): boolean {
    const effect = templateEffect(String(remote.status ?? '').toUpperCase());
    let changed = false;
    const set = <K extends keyof IMessageTemplate>(k: K, v: IMessageTemplate[K]) => {
      if ((tpl[k] ?? null) !== (v ?? null)) {
        tpl[k] = v;
        changed = true;
      }
    };
    set('metaTemplateId', String(remote.id));
    set('metaTemplateName', remote.name);
    if (effect) {
      if (effect.status && tpl.status !== 'archived') set('status', effect.status);
      set('approvalStatusMeta', effect.approval);
      const reason = remote.rejected_reason && remote.rejected_reason !== 'NONE' ? remote.rejected_reason : null;
      if (effect.approval === 'rejected') set('rejectionReason', reason);
      else if (effect.approval === 'approved') set('rejectionReason', null);
      if (effect.approval === 'approved' && !tpl.approvalDate) set('approvalDate', now);
    }
    const category = fromMetaCategory(remote.category, tpl.templateCategory as PrdCategory);
    if (category) set('templateCategory', category);
    return changed;
  }

  async function importRemote(em: EntityManager, remote: MetaTemplate, owner: number, now: Date): Promise<IMessageTemplate | null> {
    const content = fromMetaComponents(remote.components);
    if (!content.body) return null;
    // A name already used locally in another language: Meta names templates per language; ours are unique.
    const clash = await em.findOne(MessageTemplate, { templateName: remote.name } as never);
    const name = clash ? `${remote.name}_${remote.language.toLowerCase()}`.slice(0, 255) : remote.name;
    if (clash && (await em.findOne(MessageTemplate, { templateName: name } as never))) return null;
    const tpl = em.create(MessageTemplate, {
      templateName: name,
      templateCategory: fromMetaCategory(remote.category) ?? 'transactional',
      languageCode: remote.language,
      bodyText: content.body,
      createdByUser: owner,
      status: 'pending_approval',
      approvalStatusMeta: 'pending',
    } as never) as IMessageTemplate;
    applyContentToRow(tpl, content);
    applyRemote(tpl, remote, now);
    await writeChildren(em, tpl, content);
    deps.core.writeVersion(em, tpl, 1, content, { userId: owner, phone: null, channel: 'system' }, 'importada de Meta');
    return tpl;
  }

  return {
    async sync(em: EntityManager, actor: Actor | null): Promise<SyncResult> {
      const who = actor ?? SYSTEM;
      const { templates, pages } = await deps.core.meta(() => deps.graph.list());
      const now = deps.now();
      const result: SyncResult = { total: templates.length, pages, imported: 0, updated: 0, unchanged: 0, removed: 0 };
      const locals = await em.find(MessageTemplate, {});
      const byMetaId = new Map(locals.filter((l) => l.metaTemplateId).map((l) => [l.metaTemplateId!, l]));
      const seen = new Set<string>();
      const paused: Array<{ tpl: IMessageTemplate; event: string; reason: string | null }> = [];
      const audits: Array<{ tpl: IMessageTemplate; before: { status: string; approval: string } }> = [];
      let owner: number | null | undefined;
      for (const remote of templates) {
        let tpl =
          byMetaId.get(String(remote.id)) ??
          locals.find((l) => !l.metaTemplateId && (l.metaTemplateName ?? l.templateName) === remote.name && l.languageCode === remote.language) ??
          null;
        if (!tpl) {
          owner ??= actor?.userId ?? (await deps.core.systemOwner(em));
          if (!owner) {
            log.warn({ name: remote.name }, 'template not imported: no owner (no super_admin yet)');
            continue;
          }
          tpl = await importRemote(em, remote, owner, now);
          if (tpl) {
            result.imported++;
            seen.add(tpl.templateId);
            locals.push(tpl);
          }
          continue;
        }
        seen.add(tpl.templateId);
        const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
        if (!applyRemote(tpl, remote, now)) {
          result.unchanged++;
          continue;
        }
        result.updated++;
        audits.push({ tpl, before });
        if (becameDisabled(before.approval, tpl.approvalStatusMeta)) paused.push({ tpl, event: String(remote.status).toUpperCase(), reason: remote.rejected_reason && remote.rejected_reason !== 'NONE' ? remote.rejected_reason : null });
      }
      // Known to Meta before but no longer listed: deleted in Meta's manager.
      for (const tpl of locals) {
        if (!tpl.metaTemplateId || seen.has(tpl.templateId) || tpl.status === 'archived') continue;
        const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
        tpl.status = 'archived';
        tpl.approvalStatusMeta = 'disabled';
        result.removed++;
        audits.push({ tpl, before });
      }
      await em.flush();
      deps.invalidate();
      for (const a of audits) await deps.core.statusAudit(em, who, a.tpl, a.before, 'sync');
      await alertPause(em, paused);
      log.info({ ...result }, 'templates synced with Meta');
      return result;
    },

    /** Status webhooks, after applyTemplateStatus saved them (src/modules/meta/template-status.ts). */
    async statusChanged(em: EntityManager, applied: AppliedTemplateStatus[]): Promise<void> {
      deps.invalidate();
      const paused: Array<{ tpl: IMessageTemplate; event: string; reason: string | null }> = [];
      for (const a of applied) {
        const tpl = await em.findOne(MessageTemplate, { templateId: a.templateId } as never);
        if (!tpl) continue;
        await deps.core.statusAudit(em, SYSTEM, tpl, a.before, `webhook:${a.event}`);
        if (becameDisabled(a.before.approval, a.after.approval)) paused.push({ tpl, event: a.event, reason: a.reason });
      }
      await em.flush();
      await alertPause(em, paused);
    },
  };
}

