import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MessageChannel } from '../messaging/message-channel.entity.ts';

/**
 * `channel_monthly_users` (not in the PRD; a summary table for reports): one row per local month, channel and counterpart (`conversations_log.from`) with at least one message that
 * month, and `active_days`, a bit mask of the month's days on which they had one (bit 0 = day 1).
 * Written only by the `channel_statistics` rollup, day by day (monthly-summary.ts), so it holds
 * exactly the rolled-up days. Distinct users over a range of closed days then read one row per counterpart and month
 * (`active_days & <days of the range> <> 0`) instead of every message of the range.
 * `phone`: the column name puts it under erasure's "rows that name the client by phone".
 */
export const ChannelMonthlyUser = defineEntity({
  name: 'ChannelMonthlyUser',
  tableName: 'channel_monthly_users',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** 'YYYY-MM' in TZ. */
    month: p.string().length(7),
    channel: () => p.manyToOne(MessageChannel).fieldName('channel_id').deleteRule('cascade').index(false),
    phone: p.string().length(50),
    activeDays: p.integer().default(0),
  },
  uniques: [{ name: 'unique_channel_month_user', properties: ['month', 'channel', 'phone'] }],
});
export type IChannelMonthlyUser = InferEntity<typeof ChannelMonthlyUser>;
