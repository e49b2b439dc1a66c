import type { DeliveryStatus } from '../../transport/events.ts';

/**
 * The one delivery-status order, used by every writer (conversations_log, campaign recipients,
 * template usage, early receipts): pending → sent → delivered → read. Receipts arrive out of
 * order and Meta retries, so a status only ever moves forward; `failed` replaces only a status
 * that had not reached the phone yet, and a later `read` still wins over `failed` (the phone saw
 * it after all). Baileys' `played` (a voice note listened to) counts as read. Per-table extra
 * states (`sending`, `bounced`, `skipped`) rank with `pending` or are final.
 */

const RANK: Record<string, number> = { pending: 0, sending: 0, sent: 1, delivered: 2, failed: 2, read: 3 };

export const BEFORE_DELIVERY: readonly string[] = ['pending', 'sending', 'sent'];

/** Provider words → our status (`played` → read, unknown → null). */
export function normalizeStatus(raw: unknown): DeliveryStatus | null {
  if (raw === 'played') return 'read';
  return raw === 'pending' || raw === 'sent' || raw === 'delivered' || raw === 'read' || raw === 'failed' ? raw : null;
}

export const statusRank = (s: string): number => RANK[s] ?? 0;

/**
 * The statuses (out of the ones a table uses, `all`) a row may have for `next` to replace it.
 * Put in the WHERE clause of a conditional update, so concurrent writers cannot move a row back.
 */
export function replaceableBy(next: DeliveryStatus, all: readonly string[]): string[] {
  if (next === 'failed') return all.filter((s) => BEFORE_DELIVERY.includes(s));
  const target = statusRank(next);
  return all.filter((s) => s !== next && s in RANK && statusRank(s) < target);
}

/** Applies several receipts of one message in order, lowest first (re-applying old statuses is harmless). */
export const byRank = <T extends { status: string }>(a: T, b: T): number => statusRank(a.status) - statusRank(b.status);
