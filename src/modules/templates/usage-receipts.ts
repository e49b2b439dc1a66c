import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptUpdated } from '../../transport/events.ts';
import { replaceableBy } from '../messaging/status-order.ts';
import { TemplateUsageLog } from './template-usage-log.entity.ts';

/**
 * A delivery receipt → the template_usage_log row of that message, with the delivery path's one
 * status order (sent → delivered → read; failed only before delivery). Set-based and monotonic,
 * so a retried or late receipt never moves a row backwards. Used by the Cloud API fan-out and
 * registered with ingest for Baileys receipts.
 */
export async function applyUsageReceipt(em: EntityManager, r: Pick<ReceiptUpdated, 'messageId' | 'status'>): Promise<number> {
  const lower = replaceableBy(r.status, ['sent', 'delivered', 'read', 'failed']);
  if (!lower.length) return 0;
  return em.nativeUpdate(TemplateUsageLog, { messageId: r.messageId, status: { $in: lower } } as never, { status: r.status } as never);
}
