import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `meta_pending_status` (the name predates Baileys using it): delivery receipts, from either
 * platform, that arrived before the rows they update were written — Meta often reports `sent`
 * before our send call has returned, and a Baileys receipt can beat the log write of its send.
 * Kept durably (a restart between the receipt and the row loses nothing) and re-applied when the
 * rows appear; swept periodically and expired after a while (receipts of messages we never sent).
 */
export const EarlyReceipt = defineEntity({
  name: 'EarlyReceipt',
  tableName: 'meta_pending_status',
  properties: {
    id: p.integer().primary().autoincrement(),
    messageId: p.string().length(255),
    status: p.enum(['sent', 'delivered', 'read', 'failed'] as const),
    statusAt: p.datetime(),
    errorCode: p.string().length(50).nullable(),
    errorTitle: p.text().nullable(),
    receivedAt: p.datetime(),
  },
  uniques: [{ name: 'uniq_pending_status', properties: ['messageId', 'status'] }],
  indexes: [{ name: 'idx_pending_status_received', properties: ['receivedAt'] }],
});
export type IEarlyReceipt = InferEntity<typeof EarlyReceipt>;
