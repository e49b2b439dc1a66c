import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { MessageChannel } from '../messaging/message-channel.entity.ts';
import { CustomerSegment } from '../segments/customer-segment.entity.ts';

export const CAMPAIGN_TYPES = ['broadcast', 'drip', 'trigger', 'scheduled', 'one_time'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled'] as const;

/** `campaigns`: marketing campaigns sent to a segment over one channel. */
export const Campaign = defineEntity({
  name: 'Campaign',
  tableName: 'campaigns',
  properties: {
    campaignId: p.uuid().primary().onCreate(() => randomUUID()),
    campaignName: p.string().length(255),
    campaignType: p.enum(CAMPAIGN_TYPES),
    description: p.text().nullable(),
    createdByUser: () => p.manyToOne(Usuario).fieldName('created_by_user_id'),
    status: p.enum(CAMPAIGN_STATUSES).default('draft').index('idx_campaign_status'),
    startDate: p.datetime().nullable(),
    endDate: p.datetime().nullable(),
    channel: () => p.manyToOne(MessageChannel).fieldName('channel_id'),
    targetSegment: () => p.manyToOne(CustomerSegment).fieldName('target_segment_id').nullable(),
    totalRecipients: p.integer().default(0),
    messagesSent: p.integer().default(0),
    messagesFailed: p.integer().default(0),
    uniqueClicks: p.integer().default(0),
    conversionCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_campaign_dates', properties: ['startDate', 'endDate'] }],
});
export type ICampaign = InferEntity<typeof Campaign>;
