import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptUpdated } from '../../transport/events.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { CampaignRecipientLog } from '../campaigns/campaign-recipient-log.entity.ts';
import { TemplateUsageLog } from '../templates/template-usage-log.entity.ts';
import { recordPricing } from '../reports/pricing.ts';

/**
 * Applies a delivery receipt to every row that tracks the outbound message: conversations_log,
 * campaign_recipient_log (status + sent/delivered/read timestamps + failure reason) and
 * template_usage_log. Set-based and monotonic, with the same ranks as conversations_log
 * (src/modules/messaging/delivery.ts): sent → delivered → read, and failed only before delivery
 * (a `read` still wins over `failed`). Meta's retries, rebatched or out-of-order deliveries thus
 * apply once and never move a row backwards; a late `delivered` after `read` still fills its
 * missing timestamp.
 */

const RANK: Record<string, number> = { pending: 0, sending: 0, sent: 1, delivered: 2, read: 3, failed: 2 };

/** Statuses a row may be in for `next` to replace them. */
export function statusesBelow(next: ReceiptUpdated['status'], all: readonly string[]): string[] {
  if (next === 'failed') return all.filter((s) => ['pending', 'sending', 'sent'].includes(s));
  const target = RANK[next] ?? 0;
  return all.filter((s) => s !== next && s in RANK && (RANK[s] ?? 0) < target);
}

export function failureText(r: ReceiptUpdated): string | null {
  if (r.status !== 'failed') return null;
  const parts = [r.error?.code !== undefined ? String(r.error.code) : null, r.error?.title ?? null].filter(Boolean);
  return parts.length ? parts.join(': ') : 'failed';
}

const TS_FIELD = { sent: 'sentTimestamp', delivered: 'deliveredTimestamp', read: 'readTimestamp' } as const;

export interface FanoutResult {
  conversations: number;
  recipients: number;
  templateUsages: number;
}

export async function applyReceipt(
  em: EntityManager,
  r: ReceiptUpdated,
  opts: { conversations?: boolean } = {},
): Promise<FanoutResult> {
  const result: FanoutResult = { conversations: 0, recipients: 0, templateUsages: 0 };
  const failure = failureText(r);
  const messageId = r.messageId;
  if (r.pricing) await recordPricing(em, r);

  if (opts.conversations !== false) {
    const lower = statusesBelow(r.status, ['pending', 'sent', 'delivered', 'read', 'failed']);
    result.conversations = await em.nativeUpdate(
      ConversationLog,
      { messageId, messageDirection: 'outbound', $or: [{ deliveryStatus: null }, { deliveryStatus: { $in: lower } }] } as never,
      { deliveryStatus: r.status, statusUpdatedAt: r.timestamp, ...(failure ? { failureReason: failure } : {}) } as never,
    );
  }

  const recipLower = statusesBelow(r.status, ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'bounced', 'skipped']);
  const tsField = r.status === 'failed' ? null : TS_FIELD[r.status as keyof typeof TS_FIELD];
  result.recipients = await em.nativeUpdate(
    CampaignRecipientLog,
    { messageId, sendStatus: { $in: recipLower } } as never,
    { sendStatus: r.status, ...(tsField ? { [tsField]: r.timestamp } : {}), ...(failure ? { failureReason: failure } : {}) } as never,
  );
  if (tsField) {
    // The status may already be past this one (read before delivered): keep the timestamp anyway.
    await em.nativeUpdate(CampaignRecipientLog, { messageId, [tsField]: null } as never, { [tsField]: r.timestamp } as never);
  }

  const usageLower = statusesBelow(r.status, ['sent', 'delivered', 'read', 'failed']);
  if (usageLower.length) {
    result.templateUsages = await em.nativeUpdate(
      TemplateUsageLog,
      { messageId, status: { $in: usageLower } } as never,
      { status: r.status } as never,
    );
  }
  return result;
}
