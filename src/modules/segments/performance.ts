import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { SegmentPerformance } from './segment-performance.entity.ts';
import { daysAgo, rows, uuidParam, type SqlCtx } from './sql.ts';

/**
 * `segment_performance`: one row per segment, day and metric (the day's latest recompute wins).
 * Definitions (README "Segment performance"), over the segment's active members, last 30 days:
 *   active_customers   active members
 *   engagement_rate    % of them who wrote at least one message
 *   conversion_rate    % of them with at least one order (not cancelled)
 *   churn_rate         % of (active + left in the window) who left in the window
 *   avg_purchase_value mean total of their orders in the window (0 without orders)
 *   lifetime_value     mean lifetime_value score of them (0 without scores)
 */

export const METRICS = ['active_customers', 'engagement_rate', 'conversion_rate', 'churn_rate', 'avg_purchase_value', 'lifetime_value'] as const;
export type Metric = (typeof METRICS)[number];

const pct = (n: number, d: number) => (d > 0 ? Math.round((10_000 * n) / d) / 100 : 0);

export async function measureSegment(em: EntityManager, ctx: SqlCtx, segmentId: string): Promise<Record<Metric, number>> {
  const seg = uuidParam(ctx, segmentId);
  const since = daysAgo(ctx, 30);
  const [r] = await rows<Record<string, number | string | null>>(em, sql`select
      (select count(*) from segment_members where segment_id = ${seg} and is_active = true) as active,
      (select count(*) from segment_members sm where sm.segment_id = ${seg} and sm.is_active = true and exists (
        select 1 from conversations_log c where c.cliente_id = sm.cliente_id and c.message_direction = 'inbound' and c.date >= ${since})) as engaged,
      (select count(*) from segment_members sm where sm.segment_id = ${seg} and sm.is_active = true and exists (
        select 1 from pedidos p where p."clienteId" = sm.cliente_id and p.estado <> 'cancelado' and p.created_at >= ${since})) as converted,
      (select count(*) from segment_members where segment_id = ${seg} and is_active = false and left_date >= ${since}) as churned,
      (select avg(p.total) from pedidos p join segment_members sm on sm.cliente_id = p."clienteId"
        where sm.segment_id = ${seg} and sm.is_active = true and p.estado <> 'cancelado' and p.created_at >= ${since}) as avg_value,
      (select avg(cs.score_value) from customer_scores cs join segment_members sm on sm.cliente_id = cs.cliente_id
        where sm.segment_id = ${seg} and sm.is_active = true and cs.score_type = 'lifetime_value') as ltv`);
  const n = (k: string) => Number(r?.[k] ?? 0);
  const active = n('active');
  return {
    active_customers: active,
    engagement_rate: pct(n('engaged'), active),
    conversion_rate: pct(n('converted'), active),
    churn_rate: pct(n('churned'), active + n('churned')),
    avg_purchase_value: Math.round(n('avg_value') * 100) / 100,
    lifetime_value: Math.round(n('ltv') * 100) / 100,
  };
}

/** Measures and stores today's rows (replacing today's earlier ones). */
export async function recordPerformance(em: EntityManager, ctx: SqlCtx, segmentId: string): Promise<Record<Metric, number>> {
  const values = await measureSegment(em, ctx, segmentId);
  await em.nativeDelete(SegmentPerformance, { segment: segmentId, date: ctx.today } as never);
  for (const metric of METRICS) {
    em.create(SegmentPerformance, { segment: segmentId, date: ctx.today, metricName: metric, metricValue: values[metric].toFixed(2), createdAt: ctx.now } as never);
  }
  await em.flush();
  return values;
}

/** The last `days` values of one metric, oldest first (the trend in /segmento ver). */
export async function metricTrend(em: EntityManager, segmentId: string, metric: Metric, days = 7): Promise<Array<{ date: string; value: number }>> {
  const list = await em.find(SegmentPerformance, { segment: segmentId, metricName: metric } as never, { orderBy: { date: 'desc' }, limit: days });
  return list.reverse().map((p) => ({ date: String(p.date), value: Number(p.metricValue ?? 0) }));
}
