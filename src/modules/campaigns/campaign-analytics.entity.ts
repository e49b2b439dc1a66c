import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Campaign } from './campaign.entity.ts';

/** `campaign_analytics`: metric samples per campaign (impressions, clicks, conversions, rates…). */
export const CampaignAnalytics = defineEntity({
  name: 'CampaignAnalytics',
  tableName: 'campaign_analytics',
  properties: {
    analyticsId: p.uuid().primary().onCreate(() => randomUUID()),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').deleteRule('cascade'),
    metricName: p.string().length(100).nullable(),
    /** DECIMAL(10,2), as a string. */
    metricValue: p.decimal().precision(10).scale(2).nullable(),
    metricDate: p.date().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ICampaignAnalytics = InferEntity<typeof CampaignAnalytics>;
