import type { MessageReceived, ReceiptUpdated } from '../../transport/events.ts';
import { mapInboundMessage, mapStatus, type MapContext } from './map-message.ts';
import { HANDLED_FIELDS, WHATSAPP_OBJECT, type MetaChange, type MetaContact, type MetaEntry, type MetaInboundMessage, type MetaStatus, type MetaTemplateStatusUpdate, type MetaWebhookBody } from './payload.ts';
import { parseTemplateStatus, type TemplateStatusChange } from './template-status.ts';

/**
 * Envelope-level mapping: which changes of a webhook body matter, and what each one becomes.
 * Pure (media downloads are deferred behind MediaRef.open), so it is unit-tested on payloads alone.
 */

export interface MappedChange {
  /** "entry 0 / change 1": names the change in errors and logs. */
  where: string;
  field: string;
  messages: MessageReceived[];
  receipts: ReceiptUpdated[];
  templateUpdates: TemplateStatusChange[];
  /** Items inside a handled change that could not be used (no id, untracked status…). */
  skipped: string[];
}

export type Classification =
  | { kind: 'handled' }
  | { kind: 'ignored'; reason: string };

/** Decides at the door whether a (verified, parsed) body is worth storing. */
export function classifyEnvelope(body: unknown): Classification {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { kind: 'ignored', reason: 'body is not a JSON object' };
  const b = body as MetaWebhookBody;
  if (b.object !== WHATSAPP_OBJECT) return { kind: 'ignored', reason: `unknown object "${String(b.object)}"` };
  const fields = listChanges(b).map(({ change }) => change.field);
  if (!fields.length) return { kind: 'ignored', reason: 'no entry[].changes[]' };
  if (!fields.some((f) => (HANDLED_FIELDS as readonly string[]).includes(f ?? ''))) {
    return { kind: 'ignored', reason: `unhandled field(s): ${[...new Set(fields)].join(', ')}` };
  }
  return { kind: 'handled' };
}

export function listChanges(body: MetaWebhookBody): Array<{ entry: MetaEntry; change: MetaChange; where: string }> {
  const out: Array<{ entry: MetaEntry; change: MetaChange; where: string }> = [];
  const entries = Array.isArray(body.entry) ? body.entry : [];
  entries.forEach((entry, i) => {
    const changes = Array.isArray(entry?.changes) ? entry.changes : [];
    changes.forEach((change, j) => out.push({ entry, change: change ?? {}, where: `entry ${i} / change ${j}` }));
  });
  return out;
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * Maps one change. Never throws: a malformed change or item (wrong types, missing fields) becomes
 * a `skipped` note with the reason — mapping is deterministic, so retrying it could not help.
 */
export function mapChange(entry: MetaEntry, change: MetaChange, where: string, ctx: MapContext): MappedChange {
  const field = typeof change?.field === 'string' ? change.field.slice(0, 100) : '?';
  const out: MappedChange = { where, field, messages: [], receipts: [], templateUpdates: [], skipped: [] };
  if (!(HANDLED_FIELDS as readonly string[]).includes(field)) {
    out.skipped.push(`field "${field}" not handled`);
    return out;
  }
  const value = change.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    out.skipped.push(`field "${field}" without a value object`);
    return out;
  }
  if (field === 'message_template_status_update' || field === 'template_category_update') {
    // A category change travels as the pseudo-event CATEGORY_UPDATE with Meta's new category.
    const v = value as MetaTemplateStatusUpdate;
    const parsed = parseTemplateStatus(field === 'template_category_update' ? { ...v, event: 'CATEGORY_UPDATE' } : v, entry?.time);
    if (parsed) out.templateUpdates.push(parsed);
    else out.skipped.push('template status update without event');
    return out;
  }
  const contacts = arr<MetaContact>(value.contacts);
  // One bad item never hides the others of the same change.
  const each = <T>(items: T[], kind: string, fn: (item: T) => void) =>
    items.forEach((item, i) => {
      try {
        fn(item);
      } catch (err) {
        out.skipped.push(`${kind} ${i} unreadable: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  each(arr<MetaInboundMessage>(value.messages), 'message', (msg) => {
    const r = mapInboundMessage(msg ?? {}, contacts, ctx);
    if ('event' in r) out.messages.push(r.event);
    else out.skipped.push(r.skipped);
  });
  each(arr<MetaStatus>(value.statuses), 'status', (st) => {
    const r = mapStatus(st ?? {}, ctx.now);
    if ('event' in r) out.receipts.push(r.event);
    else out.skipped.push(r.skipped);
  });
  return out;
}
