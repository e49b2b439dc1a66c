import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MessageTemplate } from '../templates/message-template.entity.ts';
import { Campaign } from './campaign.entity.ts';

/** `campaign_messages`: the message(s) of a campaign, in sequence (drip campaigns have several). */
export const CampaignMessage = defineEntity({
  name: 'CampaignMessage',
  tableName: 'campaign_messages',
  properties: {
    campaignMessageId: p.uuid().primary().onCreate(() => randomUUID()),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').deleteRule('cascade').index('idx_campaign_messages'),
    messageBody: p.text(),
    messageTemplate: () => p.manyToOne(MessageTemplate).fieldName('message_template_id').nullable(),
    sequenceOrder: p.integer().nullable(),
    delaySeconds: p.integer().nullable(),
    status: p.enum(['pending', 'sending', 'sent', 'failed'] as const).default('pending'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type ICampaignMessage = InferEntity<typeof CampaignMessage>;
