import { t } from '../../../shared/i18n/index.ts';
import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../../config.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { ChannelStatsService, DayChannelStats } from '../channel-stats.service.ts';
import type { ChartSpec } from '../charts.ts';
import type { ReportDocument } from '../document.ts';
import { dayRange } from '../dates.ts';
import { dialectOf, num, rows, type Dialect } from '../sql.ts';

/** What every report builder gets, and what it returns. */
export interface BuildContext {
  em: EntityManager;
  config: Config;
  clock: Clock;
  stats: ChannelStatsService;
  sql: Dialect;
  channelNames: Map<number, string>;
  channelTypes: Map<number, string>;
}

export interface BuiltReport {
  doc: ReportDocument;
  /** The first chart is the main one (sent as an image in chat). */
  charts: ChartSpec[];
  /** Machine-readable figures (the JSON format, and `customer_reports.report_body`). */
  data: Record<string, unknown>;
  dateFrom: string | null;
  dateTo: string | null;
  clienteId: number | null;
}

export async function buildContext(em: EntityManager, config: Config, clock: Clock, stats: ChannelStatsService): Promise<BuildContext> {
  const channels = await rows<Record<string, unknown>>(em, `select channel_id, channel_name, channel_type from message_channels`);
  return {
    em, config, clock, stats,
    sql: dialectOf(config.db.kind),
    channelNames: new Map(channels.map((c) => [num(c.channel_id), String(c.channel_name)])),
    channelTypes: new Map(channels.map((c) => [num(c.channel_id), String(c.channel_type)])),
  };
}

/** Instant bounds of [fromDay 00:00, toDay+1 00:00) in TZ, as SQL parameters. */
export function rangeParams(ctx: BuildContext, from: string, to: string): [unknown, unknown] {
  return [ctx.sql.at(dayRange(from, ctx.config.TZ)[0]), ctx.sql.at(dayRange(to, ctx.config.TZ)[1])];
}

/** Sum of per-channel-day stats by channel; the average response is weighted by answered days' inbound. */
export function byChannel(days: DayChannelStats[]): Map<number, { inbound: number; outbound: number; failed: number; avgResponseSeconds: number | null }> {
  const acc = new Map<number, { inbound: number; outbound: number; failed: number; w: number; sum: number }>();
  for (const d of days) {
    const a = acc.get(d.channelId) ?? { inbound: 0, outbound: 0, failed: 0, w: 0, sum: 0 };
    a.inbound += d.inbound;
    a.outbound += d.outbound;
    a.failed += d.failed;
    if (d.avgResponseSeconds !== null && d.inbound > 0) {
      a.w += d.inbound;
      a.sum += d.avgResponseSeconds * d.inbound;
    }
    acc.set(d.channelId, a);
  }
  return new Map([...acc].sort((x, y) => x[0] - y[0]).map(([id, a]) => [id, { inbound: a.inbound, outbound: a.outbound, failed: a.failed, avgResponseSeconds: a.w ? Math.round(a.sum / a.w) : null }]));
}

/** Weighted mean response time over several channel-days (same weighting as byChannel). */
export function overallResponse(days: DayChannelStats[]): number | null {
  let w = 0;
  let sum = 0;
  for (const d of days) {
    if (d.avgResponseSeconds !== null && d.inbound > 0) {
      w += d.inbound;
      sum += d.avgResponseSeconds * d.inbound;
    }
  }
  return w ? Math.round(sum / w) : null;
}

/** Distinct counterparts with a message in the range, per channel (and overall under key 0). */
export function uniqueUsers(ctx: BuildContext, from: string, to: string, phone?: string): Promise<Map<number, number>> {
  return ctx.stats.uniqueUsers(ctx.em, from, to, phone);
}

const round2 = (n: number) => Math.round(n * 10000) / 10000;

/** A channel's configured price per outbound message: `CHANNEL_COSTS` by channel name, else by channel type, else 0. */
export function unitPrice(ctx: BuildContext, channelId: number): number {
  const byName = ctx.config.CHANNEL_COSTS[(ctx.channelNames.get(channelId) ?? '').toLowerCase()];
  return byName ?? ctx.config.CHANNEL_COSTS[(ctx.channelTypes.get(channelId) ?? '').toLowerCase()] ?? 0;
}

/**
 * Money per channel (UC-404): every outbound message that did not fail costs the channel's
 * configured price (`CHANNEL_COSTS`, by channel name, else channel type; 0 when unset); a Cloud
 * API message whose status carried Meta's `pricing.category` costs `META_CATEGORY_PRICES[category]`
 * instead when that price is configured (and nothing when Meta said `billable: false`). Both are
 * bucketed by the message's own day, so the category price replaces the flat price in the same
 * range that billed it (a message sent at 23:59 and priced at 00:01 stays in its day).
 */
export async function costs(
  ctx: BuildContext,
  from: string,
  to: string,
  billedByChannel: Map<number, number>,
): Promise<{ perChannel: Map<number, number>; categories: Array<{ channelId: number; category: string; messages: number; cost: number | null }> }> {
  const start = dayRange(from, ctx.config.TZ)[0];
  const end = dayRange(to, ctx.config.TZ)[1];
  // Meta reports a message's pricing with its first status, moments after the send (and retries a
  // webhook for at most 7 days): the messages of [start, end) are priced within
  // [start − 1 day, end + 7 days); one priced even later keeps the flat price. That bound on
  // reported_at (indexed) keeps message_pricing as the outer loop; CROSS JOIN keeps it so on
  // SQLite, which otherwise may scan conversations_log first (PostgreSQL: a plain inner join).
  const at = (d: Date, days = 0) => ctx.sql.at(new Date(d.getTime() + days * 86_400_000));
  const priced = await rows<Record<string, unknown>>(ctx.em, `
    select c.channel_id, mp.category, sum(case when mp.billable = ${ctx.sql.kind === 'sqlite' ? '0' : 'false'} then 0 else 1 end) as billable, count(*) as n
    from message_pricing mp cross join conversations_log c
    where c.message_id = mp.message_id and mp.reported_at >= ? and mp.reported_at < ? and c.date >= ? and c.date < ?
      and c.channel_id is not null and c.message_direction = 'outbound' and (c.delivery_status is null or c.delivery_status <> 'failed')
    group by c.channel_id, mp.category order by c.channel_id, mp.category`, [at(start, -1), at(end, 7), at(start), at(end)]);
  const perChannel = new Map<number, number>();
  for (const [id, billed] of billedByChannel) perChannel.set(id, billed * unitPrice(ctx, id));
  const categories: Array<{ channelId: number; category: string; messages: number; cost: number | null }> = [];
  for (const p of priced) {
    const id = num(p.channel_id);
    const category = String(p.category);
    const price = ctx.config.META_CATEGORY_PRICES[category.toLowerCase()];
    const n = num(p.n);
    const billable = num(p.billable);
    categories.push({ channelId: id, category, messages: n, cost: price === undefined ? null : round2(billable * price) });
    if (price !== undefined) {
      // Replace the flat price of these messages by Meta's category price.
      perChannel.set(id, (perChannel.get(id) ?? 0) - n * unitPrice(ctx, id) + billable * price);
    }
  }
  for (const [id, v] of perChannel) perChannel.set(id, round2(v));
  return { perChannel, categories };
}

export function formatSeconds(s: number | null): string {
  if (s === null) return '—';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function money(n: number, currency: string): string {
  return new Intl.NumberFormat('es-ES', { style: 'currency', currency, maximumFractionDigits: 4, minimumFractionDigits: 2 }).format(n);
}

const LABELS: Record<string, string> = {
  channel: 'reports.col.channel', inbound: 'reports.col.inbound', outbound: 'reports.col.outbound', failed: 'reports.col.failed',
  failure_rate_pct: 'reports.col.failure_pct', unique_users: 'reports.col.users', avg_response_seconds: 'reports.col.response_s',
  cost: 'reports.col.cost', cost_per_message: 'reports.col.cost_msg', day: 'reports.col.day', category: 'reports.col.category', messages: 'reports.col.messages',
  new_clients: 'reports.metric.nuevos', orders: 'reports.col.orders', orders_total: 'reports.col.orders_total',
};

/** The Spanish labels of figure keys, for a column whose values are those keys (a totals table's metric column). */
export function labelsOf(keys: string[], currency: string): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, t(LABELS[key] ?? key, { currency })]));
}

/** Table columns for the usual figure keys, with their Spanish labels. */
export function columnsOf(keys: string[], currency: string): Array<{ key: string; label: string }> {
  return keys.map((key) => ({ key, label: t(LABELS[key] ?? key, { currency }) }));
}
