import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { addDays, dayRange, daysBetween, localDay } from './dates.ts';
import { activeSet, CLIENTS, rollupSummary, USERS, type MonthlySummary } from './monthly-summary.ts';
import { dialectOf, num, numOrNull, rows } from './sql.ts';

/**
 * `channel_statistics`: one row per channel and local day (UC-401…404).
 *
 * - inbound / outbound: `conversations_log` rows of that direction whose `date` falls in the day
 *   (outbound includes failed sends); failed: outbound rows with `delivery_status = 'failed'`.
 * - unique users: distinct counterparts (`from`) with at least one message, either direction.
 * - average response time: for every inbound message of the day, the seconds until the first
 *   later (or simultaneous) non-failed outbound message in the same conversation (same `from`,
 *   same channel); inbound messages with no such reply within 24 h are left out; the mean is
 *   rounded to whole seconds; null when no inbound message of the day was answered in time.
 *   Replies may fall on the next day: that is why yesterday is rolled up after midnight.
 *
 * The rollup is idempotent (upsert on `unique_channel_date`; rows of channels that no longer
 * have traffic that day are removed), so re-running a day gives the same rows. In the same
 * transaction it writes the day into the monthly summaries (`channel_monthly_users`,
 * `client_monthly_activity`; monthly-summary.ts), so distinct counts over closed days never read
 * the log.
 */

export interface DayChannelStats {
  day: string;
  channelId: number;
  inbound: number;
  outbound: number;
  failed: number;
  avgResponseSeconds: number | null;
  uniqueUsers: number;
}

const REPLY_WINDOW_S = 24 * 3600;

export function createChannelStatsService(deps: { config: Config; clock: Clock; logger: Logger }) {
  const tz = deps.config.TZ;
  const d = dialectOf(deps.config.db.kind);
  const log = deps.logger.child({ module: 'channel-stats' });

  /** Live figures of one local day, straight from conversations_log. */
  async function computeDay(em: EntityManager, day: string, phone?: string): Promise<DayChannelStats[]> {
    const [start, end] = dayRange(day, tz);
    const who = phone ? ` and c."from" = ?` : '';
    const params = phone ? [d.at(start), d.at(end), phone] : [d.at(start), d.at(end)];
    const counts = await rows<Record<string, unknown>>(em, `
      select c.channel_id as channel_id,
        sum(case when c.message_direction = 'inbound' then 1 else 0 end) as inbound,
        sum(case when c.message_direction = 'outbound' then 1 else 0 end) as outbound,
        sum(case when c.message_direction = 'outbound' and c.delivery_status = 'failed' then 1 else 0 end) as failed,
        count(distinct c."from") as users
      from conversations_log c
      where c.date >= ? and c.date < ? and c.channel_id is not null${who}
      group by c.channel_id`, params);
    const replies = await rows<Record<string, unknown>>(em, `
      select x.channel_id as channel_id, avg(${d.secondsBetween('x.reply_at', 'x.date')}) as avg_s
      from (
        select i.channel_id, i.date, (
          select min(o.date) from conversations_log o
          where o."from" = i."from" and o.channel_id = i.channel_id and o.message_direction = 'outbound'
            and (o.delivery_status is null or o.delivery_status <> 'failed')
            and o.date >= i.date and o.date <= ${d.plusSeconds('i.date', REPLY_WINDOW_S)}
        ) as reply_at
        from conversations_log i
        where i.date >= ? and i.date < ? and i.message_direction = 'inbound' and i.channel_id is not null${who.replace('c."from"', 'i."from"')}
      ) x
      where x.reply_at is not null
      group by x.channel_id`, params);
    const avg = new Map(replies.map((r) => [num(r.channel_id), numOrNull(r.avg_s)]));
    return counts
      .map((r) => {
        const a = avg.get(num(r.channel_id));
        return {
          day,
          channelId: num(r.channel_id),
          inbound: num(r.inbound),
          outbound: num(r.outbound),
          failed: num(r.failed),
          avgResponseSeconds: a === null || a === undefined ? null : Math.round(a),
          uniqueUsers: num(r.users),
        };
      })
      .sort((a, b) => a.channelId - b.channelId);
  }

  /** Computes `day` and writes its rows (upsert), removing rows of channels without traffic. */
  async function rollupDay(em: EntityManager, day: string): Promise<DayChannelStats[]> {
    const stats = await computeDay(em, day);
    await em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const keep = stats.map((s) => s.channelId);
      await conn.execute(
        `delete from channel_statistics where date = ?${keep.length ? ` and channel_id not in (${keep.map(() => '?').join(', ')})` : ''}`,
        [day, ...keep], 'run', ctx);
      for (const s of stats) {
        await conn.execute(`
          insert into channel_statistics (stat_id, channel_id, date, total_inbound_messages, total_outbound_messages, total_failed_messages, average_response_time_seconds, unique_users, users_summarized, created_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          on conflict (channel_id, date) do update set
            total_inbound_messages = excluded.total_inbound_messages,
            total_outbound_messages = excluded.total_outbound_messages,
            total_failed_messages = excluded.total_failed_messages,
            average_response_time_seconds = excluded.average_response_time_seconds,
            unique_users = excluded.unique_users,
            users_summarized = excluded.users_summarized`,
          [crypto.randomUUID(), s.channelId, day, s.inbound, s.outbound, s.failed, s.avgResponseSeconds, s.uniqueUsers, true, d.at(deps.clock.now())], 'run', ctx);
      }
      await rollupSummary(tx as EntityManager, d, USERS, day, tz);
      await rollupSummary(tx as EntityManager, d, CLIENTS, day, tz);
    });
    return stats;
  }

  /** Rolled-up days between `from` and `to` that are in the monthly summaries. */
  async function summarizedDays(em: EntityManager, from: string, to: string): Promise<Set<string>> {
    const r = await rows<{ day: string }>(em, `select distinct cast(date as varchar(10)) as day from channel_statistics where date >= ? and date <= ? and users_summarized = ?`, [from, to, true]);
    return new Set(r.map((x) => String(x.day).slice(0, 10)));
  }

  /** The keys of `summary` active in [from, to] as a SELECT: closed summarized days from the summary, the rest live. */
  async function active(em: EntityManager, summary: MonthlySummary, from: string, to: string): Promise<{ sql: string; params: unknown[] }> {
    const today = localDay(deps.clock.now(), tz);
    const closedTo = to < today ? to : addDays(today, -1);
    const rolled = from <= closedTo ? await summarizedDays(em, from, closedTo) : new Set<string>();
    return activeSet(d, tz, summary, from, to, rolled);
  }

  /**
   * Distinct counterparts with a message in [from, to], per channel and overall (key 0): the
   * summary for closed rolled-up days, the log for the rest. One day, or one client (`phone`),
   * is read live: the log's index answers it with no more rows than the summary would read.
   */
  async function uniqueUsers(em: EntityManager, from: string, to: string, phone?: string): Promise<Map<number, number>> {
    if (!phone) {
      const set = from === to ? activeSet(d, tz, USERS, from, to, new Set()) : await active(em, USERS, from, to);
      const per = await rows<Record<string, unknown>>(em, `select channel_id, count(distinct phone) as n from (${set.sql}) u group by channel_id`, set.params);
      const all = await rows<Record<string, unknown>>(em, `select count(distinct phone) as n from (${set.sql}) u`, set.params);
      const out = new Map(per.map((r) => [num(r.channel_id), num(r.n)]));
      out.set(0, num(all[0]?.n));
      return out;
    }
    const [s] = dayRange(from, tz);
    const [, e] = dayRange(to, tz);
    const where = `date >= ? and date < ? and channel_id is not null and "from" = ?`;
    const per = await rows<Record<string, unknown>>(em, `select channel_id, count(distinct "from") as n from conversations_log where ${where} group by channel_id`, [d.at(s), d.at(e), phone]);
    const out = new Map(per.map((r) => [num(r.channel_id), num(r.n)]));
    out.set(0, per.length ? 1 : 0);
    return out;
  }

  /**
   * Rolls up every closed day since the first logged message that has traffic but no rows
   * (start-up: the process was down at 00:05, or the data predates the feature), and the days
   * rolled up before the monthly summaries existed (their rows have `users_summarized` null).
   */
  async function backfill(em: EntityManager): Promise<string[]> {
    const first = await rows<{ first: unknown }>(em, `select min(date) as first from conversations_log where channel_id is not null`);
    const raw = first[0]?.first;
    if (raw === null || raw === undefined) return [];
    const firstDay = localDay(new Date(typeof raw === 'number' || /^\d+$/.test(String(raw)) ? Number(raw) : String(raw)), tz);
    const yesterday = addDays(localDay(deps.clock.now(), tz), -1);
    if (firstDay > yesterday) return [];
    const done = await summarizedDays(em, firstDay, yesterday);
    const missing = daysBetween(firstDay, yesterday).filter((day) => !done.has(day));
    for (const day of missing) await rollupDay(em, day);
    if (missing.length) log.info({ days: missing.length }, 'channel statistics backfilled');
    return missing;
  }

  /**
   * Per-day, per-channel figures for [from, to]: closed days from the rollup (a closed day that
   * was never rolled up is computed live; the rollup job writes it), today live.
   */
  async function daily(em: EntityManager, from: string, to: string): Promise<DayChannelStats[]> {
    const today = localDay(deps.clock.now(), tz);
    const closedTo = to < today ? to : addDays(today, -1);
    const out: DayChannelStats[] = [];
    if (from <= closedTo) {
      const stored = await rows<Record<string, unknown>>(em, `
        select cast(date as varchar(10)) as day, channel_id, total_inbound_messages, total_outbound_messages, total_failed_messages, average_response_time_seconds, unique_users
        from channel_statistics where date >= ? and date <= ? order by date, channel_id`, [from, closedTo]);
      const seen = new Set<string>();
      for (const r of stored) {
        const day = String(r.day).slice(0, 10);
        seen.add(day);
        out.push({
          day,
          channelId: num(r.channel_id),
          inbound: num(r.total_inbound_messages),
          outbound: num(r.total_outbound_messages),
          failed: num(r.total_failed_messages),
          avgResponseSeconds: numOrNull(r.average_response_time_seconds),
          uniqueUsers: num(r.unique_users),
        });
      }
      for (const day of daysBetween(from, closedTo)) if (!seen.has(day)) out.push(...(await computeDay(em, day)));
    }
    if (to >= today && from <= today) out.push(...(await computeDay(em, today)));
    return out.sort((a, b) => (a.day === b.day ? a.channelId - b.channelId : a.day < b.day ? -1 : 1));
  }

  return { computeDay, rollupDay, backfill, daily, summarizedDays, uniqueUsers, active };
}

export type ChannelStatsService = ReturnType<typeof createChannelStatsService>;
