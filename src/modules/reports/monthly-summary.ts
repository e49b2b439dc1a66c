import type { EntityManager } from '@mikro-orm/sql';
import { addDays, dayRange, daysBetween, monthDays } from './dates.ts';
import type { Dialect } from './sql.ts';

/**
 * Monthly summaries of "who had a message on which day", so distinct counts over closed days
 * never read every message of the range (the PRD's summary tables for reports). Each table holds
 * one row per local month and key with `active_days`, a bit mask of the month's days on which the
 * key had a matching message (bit 0 = day 1; 31 days fit a signed 32-bit integer):
 * - `channel_monthly_users`: (channel_id, phone = `from`), any message with a channel — unique
 *   users per channel and overall;
 * - `client_monthly_activity`: (cliente_id), inbound messages of a known client — growth's
 *   active and churned clients and retention cohorts.
 * Both are written only by the daily rollup, in its transaction, so they hold exactly the
 * rolled-up days (`channel_statistics.users_summarized`). A range's set is the union of the rows
 * whose mask meets its rolled-up days and the live rows of its other days (today, or a closed day
 * the rollup has not reached): exactly the set the live query over the log gives.
 */
export interface MonthlySummary {
  table: string;
  /** Key columns in the summary, and the same values selected from `conversations_log c`. */
  keys: string[];
  source: string[];
  /** Which messages count (over `conversations_log c`). */
  filter: string;
  /**
   * Sort the live rows by the first key: on SQLite this steers a day's scan to the covering index
   * that starts with that key (`idx_conv_channel_user`: channel, date, from; ~8× faster than
   * `idx_conv_date` plus a row lookup per message at 10 M rows). Ranges are read one per part for
   * the same reason: an OR of date ranges sends the planner back to `idx_conv_date`.
   */
  sortLive: boolean;
}

export const USERS: MonthlySummary = { table: 'channel_monthly_users', keys: ['channel_id', 'phone'], source: ['c.channel_id', 'c."from"'], filter: 'c.channel_id is not null', sortLive: true };
export const CLIENTS: MonthlySummary = { table: 'client_monthly_activity', keys: ['cliente_id'], source: ['c.cliente_id'], filter: `c.message_direction = 'inbound' and c.cliente_id is not null`, sortLive: false };

/** Bit of a day in its month's `active_days`. */
export const dayBit = (day: string): number => 2 ** (Number(day.slice(8, 10)) - 1);
const ALL_DAYS = 2 ** 31 - 1;
/** Every day of `month` ('YYYY-MM'). */
const monthMask = (month: string): number => 2 ** Number(monthDays(month)[1].slice(8, 10)) - 1;

/**
 * Makes `day`'s bits match its messages, in the rollup's transaction: clear the day's bit in its
 * month, set it for the day's keys, drop rows left without any day. Re-running a day gives the
 * same table (idempotent), and a key whose messages of that day are gone loses the day.
 */
export async function rollupSummary(em: EntityManager, d: Dialect, s: MonthlySummary, day: string, tz: string | undefined): Promise<void> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  const month = day.slice(0, 7);
  const bit = dayBit(day);
  const [start, end] = dayRange(day, tz);
  await conn.execute(`update ${s.table} set active_days = active_days & ? where month = ? and (active_days & ?) <> 0`, [ALL_DAYS - bit, month, bit], 'run', ctx);
  await conn.execute(`
    insert into ${s.table} (month, ${s.keys.join(', ')}, active_days)
    select ?, ${s.source.join(', ')}, ? from conversations_log c
    where c.date >= ? and c.date < ? and ${s.filter}
    group by ${s.source.join(', ')}
    on conflict (month, ${s.keys.join(', ')}) do update set active_days = ${s.table}.active_days | excluded.active_days`,
    [month, bit, d.at(start), d.at(end)], 'run', ctx);
  await conn.execute(`delete from ${s.table} where month = ? and active_days = 0`, [month], 'run', ctx);
}

/** Contiguous runs of days, as [first, last]. */
function runs(days: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const day of days) {
    const last = out[out.length - 1];
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else out.push([day, day]);
  }
  return out;
}

/**
 * A SELECT of the keys (columns named as in the summary) active on some day of [from, to], one
 * row per key and source: `rolled` days from the summary, the others live from the log. Wrap it
 * in `count(distinct …)` (or a set operation) to count keys.
 */
export function activeSet(d: Dialect, tz: string | undefined, s: MonthlySummary, from: string, to: string, rolled: Set<string>): { sql: string; params: unknown[] } {
  const days = daysBetween(from, to);
  const masks = new Map<string, number>();
  for (const day of days) if (rolled.has(day)) masks.set(day.slice(0, 7), (masks.get(day.slice(0, 7)) ?? 0) + dayBit(day));
  const live = runs(days.filter((day) => !rolled.has(day)));
  const parts: string[] = [];
  const params: unknown[] = [];
  if (masks.size) {
    // A whole month needs no mask test (rows without any day are deleted), so the unique index
    // (month, keys…) answers it alone.
    const terms = [...masks].map(([month, mask]) => (mask === monthMask(month) ? { sql: 'month = ?', values: [month] } : { sql: '(month = ? and (active_days & ?) <> 0)', values: [month, mask] }));
    parts.push(`select ${s.keys.join(', ')} from ${s.table} where ${terms.map((x) => x.sql).join(' or ')}`);
    for (const x of terms) params.push(...x.values);
  }
  const cols = s.source.map((c, i) => `${c} as ${s.keys[i]}`).join(', ');
  live.forEach(([a, b], i) => {
    const one = `select ${cols} from conversations_log c where ${s.filter} and c.date >= ? and c.date < ?`;
    parts.push(s.sortLive ? `select * from (${one} order by 1) l${i}` : one);
    params.push(d.at(dayRange(a, tz)[0]), d.at(dayRange(b, tz)[1]));
  });
  if (!parts.length) parts.push(`select ${s.keys.join(', ')} from ${s.table} where 1 = 0`);
  return { sql: parts.join(' union all '), params };
}
