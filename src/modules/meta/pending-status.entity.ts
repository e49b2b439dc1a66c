import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `meta_pending_status`: Cloud API statuses (sent/delivered/read/failed) that arrived before the
 * rows they update were written — Meta often reports `sent` before our send call has returned and
 * the sender has logged the message id. Kept durably (an in-memory stash dies with the process)
 * and re-applied when the rows appear; expired after a while (statuses of messages we never sent).
 */
export const MetaPendingStatus = defineEntity({
  name: 'MetaPendingStatus',
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
export type IMetaPendingStatus = InferEntity<typeof MetaPendingStatus>;
