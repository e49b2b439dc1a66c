import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptHandler } from '../messaging/receipts.ts';
import { failureText } from '../messaging/receipts.ts';
import { replaceableBy } from '../messaging/status-order.ts';
import { CampaignRecipientLog, SEND_STATUSES } from './campaign-recipient-log.entity.ts';

const TS_FIELD = { sent: 'sentTimestamp', delivered: 'deliveredTimestamp', read: 'readTimestamp' } as const;

const idsWithRow = async (em: EntityManager, ids: string[]): Promise<Set<string>> =>
  new Set(((await em.createQueryBuilder(CampaignRecipientLog, 'x').select(['x.messageId'] as never).where({ messageId: { $in: ids } } as never).execute('all')) as Array<{ messageId: string }>).map((r) => r.messageId));

/**
 * Receipts → `campaign_recipient_log` (status, sent/delivered/read timestamps, Meta's error),
 * registered with messaging's receipt service. A campaign send (origin `campaign` or a campaign
 * id on its conversations_log row) expects a recipient row carrying its message id.
 */
export const campaignReceiptHandler: ReceiptHandler = {
  name: 'campaign_recipient_log',
  async apply(em, r) {
    const failure = failureText(r);
    const tsField = r.status === 'failed' ? null : TS_FIELD[r.status as keyof typeof TS_FIELD];
    const n = await em.nativeUpdate(
      CampaignRecipientLog,
      { messageId: r.messageId, sendStatus: { $in: replaceableBy(r.status, SEND_STATUSES) } } as never,
      { sendStatus: r.status, ...(tsField ? { [tsField]: r.timestamp } : {}), ...(failure ? { failureReason: failure } : {}) } as never,
    );
    // The status may already be past this one (read before delivered): keep the timestamp anyway.
    if (tsField) await em.nativeUpdate(CampaignRecipientLog, { messageId: r.messageId, [tsField]: null } as never, { [tsField]: r.timestamp } as never);
    return n;
  },
  async awaiting(em, sends) {
    const expected = sends.filter((s) => s.origin === 'campaign' || s.campaignId != null).map((s) => s.messageId);
    if (!expected.length) return new Set();
    const have = await idsWithRow(em, expected);
    return new Set(expected.filter((id) => !have.has(id)));
  },
};
