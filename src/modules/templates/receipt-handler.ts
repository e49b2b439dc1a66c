import type { ReceiptHandler } from '../messaging/receipts.ts';
import { replaceableBy } from '../messaging/status-order.ts';
import { TemplateUsageLog } from './template-usage-log.entity.ts';

/**
 * Receipts → `template_usage_log.status`, registered with messaging's receipt service (one path
 * for both platforms). The update follows the delivery path's one status order (sent → delivered
 * → read; failed only before delivery), set-based and monotonic, so a retried or late receipt
 * never moves a row backwards. A send logged as `message_type = template` expects a usage row
 * carrying its message id: until the sender wrote it, the receipt waits in the early-receipt store.
 */
export const templateReceiptHandler: ReceiptHandler = {
  name: 'template_usage_log',
  async apply(em, r) {
    const lower = replaceableBy(r.status, ['sent', 'delivered', 'read', 'failed']);
    if (!lower.length) return 0;
    return em.nativeUpdate(TemplateUsageLog, { messageId: r.messageId, status: { $in: lower } } as never, { status: r.status } as never);
  },
  async awaiting(em, sends) {
    const expected = sends.filter((s) => s.messageType === 'template').map((s) => s.messageId);
    if (!expected.length) return new Set();
    const rows = (await em.createQueryBuilder(TemplateUsageLog, 'u').select(['u.messageId'] as never).where({ messageId: { $in: expected } } as never).execute('all')) as Array<{ messageId: string }>;
    const have = new Set(rows.map((r) => r.messageId));
    return new Set(expected.filter((id) => !have.has(id)));
  },
};
