import type { EntityManager } from '@mikro-orm/sql';
import type { ReceiptUpdated } from '../../transport/events.ts';
import { insertIgnore } from '../messaging/bulk-insert.ts';
import { MessagePricing } from './message-pricing.entity.ts';
import type { ReceiptHandler } from '../messaging/receipts.ts';

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

/**
 * Registered with messaging's one delivery-tracking path: every Cloud API status that carries
 * `pricing` is kept once per message (the cost per channel in reports reads it).
 */
export const pricingReceiptHandler: ReceiptHandler = {
  name: 'message_pricing',
  async apply(em, r) {
    if (!r.pricing) return 0;
    await recordPricing(em, r);
    return 1;
  },
  // Pricing needs no row of its own before a receipt applies.
  awaiting: async () => new Set<string>(),
};
