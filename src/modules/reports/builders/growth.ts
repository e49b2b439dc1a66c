import { t } from '../../../shared/i18n/index.ts';
import { addMonths, dayRange, formatMonth, monthDays, monthsBetween } from '../dates.ts';
import { num, rows } from '../sql.ts';
import { CLIENTS } from '../monthly-summary.ts';
import type { BuildContext, BuiltReport } from './context.ts';

/**
 * `growth`, per calendar month in TZ from `fromMonth` to `toMonth`:
 * - new: clients (`usuarios.user_type = 'client'`) created in the month;
 * - active: distinct clients who sent at least one inbound message in the month;
 * - churned: clients active in the previous month and not active in this one;
 * - retention cohorts: clients grouped by the month they were created; for each later month,
 *   the % of the cohort active (inbound message) in it.
 */
export async function buildGrowth(ctx: BuildContext, fromMonth: string, toMonth: string): Promise<BuiltReport> {
  const tz = ctx.config.TZ;
  const bounds = (m: string) => {
    const [a, b] = monthDays(m);
    return [ctx.sql.at(dayRange(a, tz)[0]), ctx.sql.at(dayRange(b, tz)[1])];
  };
  const months = monthsBetween(fromMonth, toMonth);
  // Clients active in a month (an inbound message): client_monthly_activity for rolled-up days,
  // the log for the rest (monthly-summary.ts); one SELECT per month, reused by every figure.
  const sets = new Map<string, { sql: string; params: unknown[] }>();
  for (const m of [addMonths(fromMonth, -1), ...months]) sets.set(m, await ctx.stats.active(ctx.em, CLIENTS, ...monthDays(m)));
  const activeIn = (m: string) => sets.get(m)!;
  const count = async (sql: string, params: unknown[]) => num((await rows<{ n: unknown }>(ctx.em, sql, params))[0]?.n);
  const createdSql = `select id from usuarios where user_type = 'client' and created_at >= ? and created_at < ?`;
  const series: Array<{ month: string; new_clients: number; active: number; churned: number }> = [];
  for (const m of months) {
    const now = activeIn(m);
    const prev = activeIn(addMonths(m, -1));
    const fresh = await count(`select count(*) as n from (${createdSql}) u`, bounds(m));
    const active = await count(`select count(distinct cliente_id) as n from (${now.sql}) a`, now.params);
    const churned = await count(`select count(*) as n from (select cliente_id from (${prev.sql}) p except select cliente_id from (${now.sql}) c) x`, [...prev.params, ...now.params]);
    series.push({ month: m, new_clients: fresh, active, churned });
  }
  const cohorts: Array<Record<string, string | number | null>> = [];
  for (const cm of months) {
    const size = await count(`select count(*) as n from (${createdSql}) u`, bounds(cm));
    const row: Record<string, string | number | null> = { cohort: cm, size };
    for (let k = 0; k < months.length; k++) row[`m${k}`] = null;
    for (const m of months.filter((x) => x >= cm)) {
      const now = activeIn(m);
      const n = size ? await count(`select count(*) as n from (select cliente_id from (${now.sql}) a intersect ${createdSql}) x`, [...now.params, ...bounds(cm)]) : 0;
      row[`m${months.indexOf(m) - months.indexOf(cm)}`] = size ? Math.round((n / size) * 1000) / 10 : null;
    }
    cohorts.push(row);
  }
  const last = series[series.length - 1]!;
  const totalNew = series.reduce((a, s) => a + s.new_clients, 0);
  return {
    dateFrom: monthDays(fromMonth)[0],
    dateTo: monthDays(toMonth)[1],
    clienteId: null,
    data: { type: 'growth', from: fromMonth, to: toMonth, months: series, cohorts },
    doc: {
      title: t('reports.growth.title'),
      subtitle: `${formatMonth(fromMonth)} – ${formatMonth(toMonth)}`,
      summary: [
        t('reports.growth.summary1', { fresh: totalNew, months: months.length }),
        t('reports.growth.summary2', { month: formatMonth(last.month), active: last.active, churned: last.churned }),
      ],
      tables: [
        {
          id: 'months',
          title: t('reports.table.growth'),
          columns: [
            { key: 'month', label: t('reports.col.month') },
            { key: 'new_clients', label: t('reports.col.new') },
            { key: 'active', label: t('reports.col.active') },
            { key: 'churned', label: t('reports.col.churned') },
          ],
          rows: series,
        },
        {
          id: 'cohorts',
          title: t('reports.table.cohorts'),
          columns: [
            { key: 'cohort', label: t('reports.col.cohort') },
            { key: 'size', label: t('reports.col.size') },
            ...months.map((_, k) => ({ key: `m${k}`, label: `+${k}` })),
          ],
          rows: cohorts,
        },
      ],
    },
    charts: [
      {
        type: 'line',
        title: t('reports.chart.growth'),
        categories: months.map((m) => formatMonth(m)),
        series: [
          { name: t('reports.col.new'), data: series.map((s) => s.new_clients) },
          { name: t('reports.col.active'), data: series.map((s) => s.active) },
          { name: t('reports.col.churned'), data: series.map((s) => s.churned) },
        ],
      },
    ],
  };
}
