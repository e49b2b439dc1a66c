import { t } from '../../../shared/i18n/index.ts';
import { daysBetween, formatDay, shortDay } from '../dates.ts';
import { num, rows } from '../sql.ts';
import { byChannel, costs, formatSeconds, money, overallResponse, rangeParams, uniqueUsers, type BuildContext, type BuiltReport } from './context.ts';

/**
 * `custom`: a date range and chosen metrics, per day plus a total row. Metrics (Spanish names,
 * as typed in chat): entrantes, salientes, fallidos (messages), usuarios (distinct counterparts;
 * the total is distinct over the whole range), respuesta (average response, seconds), nuevos
 * (clients created), coste (money, as in channel_analysis).
 */
export const CUSTOM_METRICS = ['entrantes', 'salientes', 'fallidos', 'usuarios', 'respuesta', 'nuevos', 'coste'] as const;
export type CustomMetric = (typeof CUSTOM_METRICS)[number];

export async function buildCustom(ctx: BuildContext, from: string, to: string, metrics: CustomMetric[]): Promise<BuiltReport> {
  const days = await ctx.stats.daily(ctx.em, from, to);
  const want = new Set(metrics);
  const out: Array<Record<string, string | number | null>> = [];
  for (const day of daysBetween(from, to)) {
    const ds = days.filter((d) => d.day === day);
    const row: Record<string, string | number | null> = { day };
    if (want.has('entrantes')) row.entrantes = ds.reduce((a, d) => a + d.inbound, 0);
    if (want.has('salientes')) row.salientes = ds.reduce((a, d) => a + d.outbound, 0);
    if (want.has('fallidos')) row.fallidos = ds.reduce((a, d) => a + d.failed, 0);
    if (want.has('usuarios')) row.usuarios = (await uniqueUsers(ctx, day, day)).get(0) ?? 0;
    if (want.has('respuesta')) row.respuesta = overallResponse(ds);
    if (want.has('nuevos')) {
      const [s, e] = rangeParams(ctx, day, day);
      row.nuevos = num((await rows<{ n: unknown }>(ctx.em, `select count(*) as n from usuarios where user_type = 'client' and created_at >= ? and created_at < ?`, [s, e]))[0]?.n);
    }
    if (want.has('coste')) {
      const per = byChannel(ds);
      const c = await costs(ctx, day, day, new Map([...per].map(([id, v]) => [id, v.outbound - v.failed])));
      row.coste = Math.round([...c.perChannel.values()].reduce((a, v) => a + v, 0) * 10000) / 10000;
    }
    out.push(row);
  }
  const total: Record<string, string | number | null> = { day: 'total' };
  for (const m of metrics) {
    if (m === 'usuarios') total[m] = (await uniqueUsers(ctx, from, to)).get(0) ?? 0;
    else if (m === 'respuesta') total[m] = overallResponse(days);
    else if (m === 'coste') total[m] = Math.round(out.reduce((a, r) => a + num(r[m]), 0) * 10000) / 10000;
    else total[m] = out.reduce((a, r) => a + num(r[m]), 0);
  }
  const cur = ctx.config.REPORT_CURRENCY;
  const label = (m: CustomMetric) => t(`reports.metric.${m}`, { currency: cur });
  const shown = (m: CustomMetric) => (m === 'respuesta' ? formatSeconds(total[m] as number | null) : m === 'coste' ? money(num(total[m]), cur) : String(total[m]));
  const counts = metrics.filter((m) => m !== 'respuesta' && m !== 'coste');
  const half = Math.ceil(metrics.length / 2);
  return {
    dateFrom: from,
    dateTo: to,
    clienteId: null,
    data: { type: 'custom', from, to, metrics, currency: cur, daily: out, total },
    doc: {
      title: t('reports.custom.title'),
      subtitle: `${formatDay(from)} – ${formatDay(to)}`,
      summary: [
        metrics.slice(0, half).map((m) => `${label(m)}: ${shown(m)}`).join(' · '),
        metrics.slice(half).map((m) => `${label(m)}: ${shown(m)}`).join(' · ') || t('reports.custom.days', { days: out.length }),
      ],
      tables: [
        {
          id: 'daily',
          title: t('reports.table.daily'),
          columns: [{ key: 'day', label: t('reports.col.day') }, ...metrics.map((m) => ({ key: m, label: label(m) }))],
          rows: [...out, total],
        },
      ],
    },
    charts: [
      {
        type: 'line',
        title: t('reports.custom.title'),
        categories: out.map((r) => shortDay(String(r.day))),
        series: (counts.length ? counts : metrics).map((m) => ({ name: label(m), data: out.map((r) => num(r[m])) })),
      },
    ],
  };
}
