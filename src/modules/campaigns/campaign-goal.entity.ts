import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Campaign } from './campaign.entity.ts';

/** `campaign_goals`: KPIs a campaign aims for. */
export const CampaignGoal = defineEntity({
  name: 'CampaignGoal',
  tableName: 'campaign_goals',
  properties: {
    goalId: p.uuid().primary().onCreate(() => randomUUID()),
    campaign: () => p.manyToOne(Campaign).fieldName('campaign_id').deleteRule('cascade'),
    goalName: p.string().length(255).nullable(),
    goalType: p.enum(['conversion', 'engagement', 'reach', 'revenue'] as const),
    targetValue: p.integer().nullable(),
    actualValue: p.integer().default(0),
    targetDate: p.date().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ICampaignGoal = InferEntity<typeof CampaignGoal>;
