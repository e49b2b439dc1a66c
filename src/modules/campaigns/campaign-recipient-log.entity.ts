import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { Campaign } from './campaign.entity.ts';
import { CampaignMessage } from './campaign-message.entity.ts';

export const SEND_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'bounced', 'skipped'] as const;

/**
 * `campaign_recipient_log`: one row per (campaign, client, campaign message) — also the send queue:
 * workers claim `pending` rows (`claimed_at`), retry with `next_attempt_at` and count `attempts`.
 */
export const CampaignRecipientLog = defineEntity({
  name: 'CampaignRecipientLog',
  tableName: 'campaign_recipient_log',
  properties: {
    recipientLogId: p.uuid().primary().onCreate(() => randomUUID()),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').deleteRule('cascade').index('idx_recipient_campaign'),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade'),
    campaignMessage: () => p.manyToOne(CampaignMessage).fieldName('campaign_message_id').nullable(),
    messageId: p.string().length(255).nullable().index('idx_recipient_message'),
    sendStatus: p.enum(SEND_STATUSES).default('pending').index('idx_recipient_status'),
    attempts: p.integer().default(0),
    claimedAt: p.datetime().nullable(),
    nextAttemptAt: p.datetime().nullable(),
    sentTimestamp: p.datetime().nullable(),
    deliveredTimestamp: p.datetime().nullable(),
    readTimestamp: p.datetime().nullable(),
    failureReason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_recipient', properties: ['campaign', 'cliente', 'campaignMessage'] }],
});
export type ICampaignRecipientLog = InferEntity<typeof CampaignRecipientLog>;
