import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `message_pricing`: Meta's per-message pricing as status webhooks report it (`pricing.category`:
 * marketing, utility, authentication, service…), one row per outbound message id. A table of its
 * own rather than columns on `conversations_log`: only Cloud API sends have it, it arrives later
 * than the send, and the receipt path stays untouched but for one call.
 */
export const MessagePricing = defineEntity({
  name: 'MessagePricing',
  tableName: 'message_pricing',
  properties: {
    messageId: p.string().length(255).primary(),
    category: p.string().length(50),
    pricingModel: p.string().length(50).nullable(),
    billable: p.boolean().nullable(),
    /** When Meta reported it (the status timestamp); reports bucket costs by the message's own day and use this to find its pricing. */
    reportedAt: p.datetime().index('idx_pricing_reported'),
  },
});
export type IMessagePricing = InferEntity<typeof MessagePricing>;
