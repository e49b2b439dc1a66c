import type { EntityManager } from '@mikro-orm/sql';
import { addDays, dayRange, daysBetween, monthDays } from './dates.ts';
import { num, rows, type Dialect } from './sql.ts';

/**
 * Distinct users over a range without reading every message of it: `channel_monthly_users`
 * (one row per month, channel and counterpart, `active_days` a bit mask of the month's days) is
 * kept by the daily rollup; a range's distinct users are the union of the rows whose mask meets
 * the range's rolled-up days and the live counterparts of the days not rolled up (today, or a
 * closed day the rollup has not reached). The figures are exactly those of the live query: a
 * counterpart counts once per channel (and once overall) if it had a message on any day of the
 * range, whichever side holds that day.
 */

/** Bit of a day in its month's `active_days` (bit 0 = day 1; 31 days fit a signed 32-bit int). */
export const dayBit = (day: string): number => 2 ** (Number(day.slice(8, 10)) - 1);
const ALL_DAYS = 2 ** 31 - 1;

/**
 * Makes `day`'s bits match its messages, in the rollup's transaction: clear the day's bit
 * everywhere in its month, set it for the day's counterparts, drop rows left without any day.
 * Re-running a day gives the same table (idempotent), and a counterpart whose messages of that
 * day were deleted loses the day.
 */
export async function rollupMonthlyUsers(em: EntityManager, d: Dialect, day: string, tz: string | undefined): Promise<void> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  const month = day.slice(0, 7);
  const bit = dayBit(day);
  const [start, end] = dayRange(day, tz);
  await conn.execute(`update channel_monthly_users set active_days = active_days & ? where month = ? and (active_days & ?) <> 0`, [ALL_DAYS - bit, month, bit], 'run', ctx);
  await conn.execute(`
    insert into channel_monthly_users (month, channel_id, phone, active_days)
    select ?, c.channel_id, c."from", ? from conversations_log c
    where c.date >= ? and c.date < ? and c.channel_id is not null
    group by c.channel_id, c."from"
    on conflict (month, channel_id, phone) do update set active_days = channel_monthly_users.active_days | excluded.active_days`,
    [month, bit, d.at(start), d.at(end)], 'run', ctx);
  await conn.execute(`delete from channel_monthly_users where month = ? and active_days = 0`, [month], 'run', ctx);
}

/** Every day of `month` ('YYYY-MM'). */
const monthMask = (month: string): number => 2 ** Number(monthDays(month)[1].slice(8, 10)) - 1;

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
 * Distinct counterparts with a message in [from, to], per channel and overall (key 0). `rolled`:
 * the closed days the rollup has written (their bits are exact); every other day is read live.
 */
export async function distinctUsers(em: EntityManager, d: Dialect, tz: string | undefined, from: string, to: string, rolled: Set<string>): Promise<Map<number, number>> {
  const days = daysBetween(from, to);
  const masks = new Map<string, number>();
  for (const day of days) if (rolled.has(day)) masks.set(day.slice(0, 7), (masks.get(day.slice(0, 7)) ?? 0) + dayBit(day));
  const live = runs(days.filter((day) => !rolled.has(day)));
  const parts: string[] = [];
  const params: unknown[] = [];
  if (masks.size) {
    // A whole month needs no mask test (rows without any day are deleted), so the unique index
    // (month, channel_id, phone) answers it alone.
    const terms = [...masks].map(([month, mask]) => (mask === monthMask(month) ? { sql: 'month = ?', values: [month] } : { sql: '(month = ? and (active_days & ?) <> 0)', values: [month, mask] }));
    parts.push(`select channel_id, phone from channel_monthly_users where ${terms.map((x) => x.sql).join(' or ')}`);
    for (const x of terms) params.push(...x.values);
  }
  if (live.length) {
    parts.push(`select channel_id, "from" as phone from conversations_log where channel_id is not null and (${live.map(() => '(date >= ? and date < ?)').join(' or ')})`);
    for (const [a, b] of live) params.push(d.at(dayRange(a, tz)[0]), d.at(dayRange(b, tz)[1]));
  }
  const union = parts.join(' union all ');
  const per = await rows<Record<string, unknown>>(em, `select channel_id, count(distinct phone) as n from (${union}) u group by channel_id`, params);
  const all = await rows<Record<string, unknown>>(em, `select count(distinct phone) as n from (${union}) u`, params);
  const out = new Map(per.map((r) => [num(r.channel_id), num(r.n)]));
  out.set(0, num(all[0]?.n));
  return out;
}
