import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `webhook_inbox`: durable inbox for provider webhooks (Meta Cloud API). The HTTP handler stores the
 * verified payload and answers 200 at once; a worker processes it. `dedupe_key` = sha256(raw body).
 */
export const WebhookInbox = defineEntity({
  name: 'WebhookInbox',
  tableName: 'webhook_inbox',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    source: p.string().length(30).default('meta'),
    dedupeKey: p.string().length(128).unique(),
    payload: p.json<unknown>(),
    receivedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    status: p.enum(['pending', 'processing', 'done', 'failed'] as const).default('pending'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    processedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'idx_inbox_status', properties: ['status', 'receivedAt'] }],
});
export type IWebhookInbox = InferEntity<typeof WebhookInbox>;
