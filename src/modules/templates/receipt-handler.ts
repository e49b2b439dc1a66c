import type { ReceiptHandler } from '../messaging/receipts.ts';
import { applyUsageReceipt } from './usage-receipts.ts';
import { TemplateUsageLog } from './template-usage-log.entity.ts';

/**
 * Receipts → `template_usage_log.status`, registered with messaging's receipt service. A send
 * logged as `message_type = template` expects a usage row carrying its message id.
 */
export const templateReceiptHandler: ReceiptHandler = {
  name: 'template_usage_log',
  // One monotonic usage update, shared with the template sender (usage-receipts.ts).
  apply: (em, r) => applyUsageReceipt(em, r),
  async awaiting(em, sends) {
    const expected = sends.filter((s) => s.messageType === 'template').map((s) => s.messageId);
    if (!expected.length) return new Set();
    const rows = (await em.createQueryBuilder(TemplateUsageLog, 'u').select(['u.messageId'] as never).where({ messageId: { $in: expected } } as never).execute('all')) as Array<{ messageId: string }>;
    const have = new Set(rows.map((r) => r.messageId));
    return new Set(expected.filter((id) => !have.has(id)));
  },
};
