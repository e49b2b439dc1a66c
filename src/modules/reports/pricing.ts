import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptUpdated } from '../../transport/events.ts';
import { insertIgnore } from '../messaging/bulk-insert.ts';
import { MessagePricing } from './message-pricing.entity.ts';

/**
 * Keeps Meta's pricing category of an outbound message (from its status webhook). Meta repeats
 * `pricing` on sent, delivered and read: the first one is kept, later ones change nothing.
 */
export async function recordPricing(em: EntityManager, r: ReceiptUpdated): Promise<void> {
  if (!r.pricing) return;
  await insertIgnore(em, MessagePricing, [{
    messageId: r.messageId,
    category: r.pricing.category,
    pricingModel: r.pricing.model ?? null,
    billable: r.pricing.billable ?? null,
    reportedAt: r.timestamp,
  }], 'messageId');
}
