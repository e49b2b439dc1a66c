import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MessageChannel } from './message-channel.entity.ts';

/** `channel_statistics`: one row of daily counters per channel. */
export const ChannelStatistic = defineEntity({
  name: 'ChannelStatistic',
  tableName: 'channel_statistics',
  properties: {
    statId: p.uuid().primary().onCreate(() => randomUUID()),
    channel: () => p.manyToOne(MessageChannel).fieldName('channel_id').deleteRule('cascade').index(false),
    /** 'YYYY-MM-DD'. */
    date: p.date().fieldName('date'),
    totalInboundMessages: p.integer().default(0),
    totalOutboundMessages: p.integer().default(0),
    totalFailedMessages: p.integer().default(0),
    averageResponseTimeSeconds: p.integer().nullable(),
    uniqueUsers: p.integer().nullable(),
    /**
     * Not in the PRD: the rollup also wrote this day into the monthly summaries
     * (`channel_monthly_users`, `client_monthly_activity`; same transaction). Null on days rolled
     * up before they existed: backfill redoes them.
     */
    usersSummarized: p.boolean().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_channel_date', properties: ['channel', 'date'] }],
  indexes: [{ name: 'idx_channel_stats', properties: ['channel', 'date'] }],
});
export type IChannelStatistic = InferEntity<typeof ChannelStatistic>;
