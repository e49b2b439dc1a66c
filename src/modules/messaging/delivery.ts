import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog } from './conversation-log.entity.ts';
import type { DeliveryStatus, ReceiptUpdated } from '../../transport/events.ts';

/**
 * Delivery status only moves forward: pending → sent → delivered → read. A late "delivered"
 * never overwrites "read" (receipts arrive out of order, and Meta retries), and "failed" only
 * replaces a status that had not reached the phone yet. The rule lives in the WHERE clause, so
 * concurrent writers cannot move a row backwards either.
 */
const RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 2 };

/** Statuses a row may have for `next` to replace it. */
export function replaceableBy(next: DeliveryStatus): DeliveryStatus[] {
  if (next === 'failed') return ['pending', 'sent'];
  return (['pending', 'sent', 'delivered', 'read'] as const).filter((s) => RANK[s] < RANK[next]);
}

/** Applies a receipt to the outbound conversations_log row; returns the number of rows changed. */
export async function applyReceipt(em: EntityManager, r: ReceiptUpdated): Promise<number> {
  const where = {
    messageId: r.messageId,
    messageDirection: 'outbound',
    $or: [{ deliveryStatus: null }, { deliveryStatus: { $in: replaceableBy(r.status) } }],
  };
  const data: Record<string, unknown> = { deliveryStatus: r.status, statusUpdatedAt: r.timestamp };
  if (r.status === 'failed' && r.error) data.failureReason = [r.error.code, r.error.title].filter(Boolean).join(': ').slice(0, 1000) || null;
  return em.nativeUpdate(ConversationLog, where as never, data as never);
}

export async function messageLogged(em: EntityManager, messageId: string): Promise<boolean> {
  return (await em.count(ConversationLog, { messageId })) > 0;
}
