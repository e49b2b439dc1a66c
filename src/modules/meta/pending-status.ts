import type { EntityManager } from '@mikro-orm/sql';
import type { DeliveryStatus, ReceiptUpdated } from '../../transport/events.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { CampaignRecipientLog } from '../campaigns/campaign-recipient-log.entity.ts';
import { TemplateUsageLog } from '../templates/template-usage-log.entity.ts';
import { MetaPendingStatus, type IMetaPendingStatus } from './pending-status.entity.ts';
import { applyReceipt } from './receipt-fanout.ts';

/**
 * Early statuses. Meta often reports `sent` (sometimes `delivered`) before the sender has written
 * the rows the status updates: the outbound conversations_log row is logged after the Graph API
 * call returns, and a campaign or template send records its message id in campaign_recipient_log /
 * template_usage_log after that. A status that finds its send not fully recorded is kept in
 * `meta_pending_status` and re-applied when the rows appear: by the sender right after it records
 * the message id (`reapplyPendingStatuses(em, { messageIds })`), and by the webhook worker's sweep
 * as a safety net. Re-applying is harmless: every update is monotonic (receipt-fanout.ts).
 */

interface Targets {
  /** The outbound conversations_log row, and which other rows that send implies. */
  conv: { campaignSend: boolean; templateSend: boolean } | null;
  recipient: boolean;
  usage: boolean;
}

/** The rows that exist for each message id (3 indexed IN queries, whatever the number of ids). */
export async function lookupTargets(em: EntityManager, ids: string[]): Promise<Map<string, Targets>> {
  const out = new Map<string, Targets>(ids.map((id) => [id, { conv: null, recipient: false, usage: false }]));
  if (!ids.length) return out;
  const convs = (await em
    .createQueryBuilder(ConversationLog, 'c')
    .select(['c.messageId', 'c.origin', 'c.campaign', 'c.messageType'] as never)
    .where({ messageId: { $in: ids }, messageDirection: 'outbound' } as never)
    .execute('all')) as Array<{ messageId: string; origin: string | null; campaign: unknown; messageType: string }>;
  for (const c of convs) {
    out.get(c.messageId)!.conv = { campaignSend: c.origin === 'campaign' || c.campaign != null, templateSend: c.messageType === 'template' };
  }
  const idsOf = async (entity: typeof CampaignRecipientLog | typeof TemplateUsageLog) =>
    ((await em.createQueryBuilder(entity as typeof CampaignRecipientLog, 'x').select(['x.messageId'] as never).where({ messageId: { $in: ids } } as never).execute('all')) as Array<{ messageId: string }>).map((r) => r.messageId);
  for (const id of await idsOf(CampaignRecipientLog)) out.get(id)!.recipient = true;
  for (const id of await idsOf(TemplateUsageLog)) out.get(id)!.usage = true;
  return out;
}

/** Every row the send implies exists, so the status has been applied everywhere it belongs. */
export function isSettled(t: Targets): boolean {
  if (!t.conv) return false;
  return (!t.conv.campaignSend || t.recipient) && (!t.conv.templateSend || t.usage);
}

const anyTarget = (t: Targets) => Boolean(t.conv || t.recipient || t.usage);

/** Keeps the statuses whose send is not fully recorded yet; returns how many were kept. */
export async function keepUnsettled(em: EntityManager, receipts: ReceiptUpdated[], now: Date): Promise<number> {
  if (!receipts.length) return 0;
  const targets = await lookupTargets(em, [...new Set(receipts.map((r) => r.messageId))]);
  const early = receipts.filter((r) => !isSettled(targets.get(r.messageId)!));
  if (!early.length) return 0;
  await em
    .createQueryBuilder(MetaPendingStatus)
    .insert(early.map((r) => ({
      messageId: r.messageId,
      status: r.status,
      statusAt: r.timestamp,
      errorCode: r.error?.code !== undefined ? String(r.error.code).slice(0, 50) : null,
      errorTitle: r.error?.title ?? null,
      receivedAt: now,
    })) as never)
    .onConflict(['messageId', 'status'] as never)
    .ignore()
    .execute();
  return early.length;
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, failed: 2, read: 3 };

const toReceipt = (p: IMetaPendingStatus): ReceiptUpdated => ({
  type: 'receipt',
  platform: 'meta_cloud',
  messageId: p.messageId,
  status: p.status as DeliveryStatus,
  timestamp: new Date(p.statusAt),
  participantPhone: null,
  error: p.errorCode || p.errorTitle ? { code: p.errorCode ?? undefined, title: p.errorTitle ?? undefined } : null,
});

export interface ReapplyOptions {
  now: Date;
  /** Pending statuses older than this are dropped (statuses of messages this app never sent). */
  ttlMs: number;
  /** Only these message ids (the sender just recorded them); default: every pending status. */
  messageIds?: string[];
  pageSize?: number;
}

/** Applies the pending statuses whose rows now exist; drops the settled and the expired. */
export async function reapplyPendingStatuses(em: EntityManager, opts: ReapplyOptions): Promise<{ applied: number; settled: number; expired: number }> {
  const result = { applied: 0, settled: 0, expired: 0 };
  result.expired = await em.nativeDelete(MetaPendingStatus, { receivedAt: { $lt: new Date(opts.now.getTime() - opts.ttlMs) } } as never);
  if (opts.messageIds && !opts.messageIds.length) return result;
  const pageSize = opts.pageSize ?? 500;
  let cursor = 0;
  for (;;) {
    const where: Record<string, unknown> = { id: { $gt: cursor } };
    if (opts.messageIds) where.messageId = { $in: opts.messageIds };
    const page = await em.find(MetaPendingStatus, where as never, { orderBy: { id: 'asc' }, limit: pageSize, disableIdentityMap: true });
    if (!page.length) break;
    cursor = page[page.length - 1]!.id;
    const targets = await lookupTargets(em, [...new Set(page.map((p) => p.messageId))]);
    const ready = page.filter((p) => anyTarget(targets.get(p.messageId)!)).sort((a, b) => (RANK[a.status] ?? 0) - (RANK[b.status] ?? 0));
    const done: number[] = [];
    for (const p of ready) {
      await applyReceipt(em, toReceipt(p));
      result.applied++;
      if (isSettled(targets.get(p.messageId)!)) done.push(p.id);
    }
    if (done.length) result.settled += await em.nativeDelete(MetaPendingStatus, { id: { $in: done } } as never);
    if (page.length < pageSize) break;
  }
  return result;
}
