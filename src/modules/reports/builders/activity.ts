import { t } from '../../../shared/i18n/index.ts';
import type { DayChannelStats } from '../channel-stats.service.ts';
import { daysBetween, formatDay, formatMonth, monthDays, shortDay } from '../dates.ts';
import { num, rows } from '../sql.ts';
import { byChannel, columnsOf, labelsOf, costs, formatSeconds, money, overallResponse, rangeParams, uniqueUsers, type BuildContext, type BuiltReport } from './context.ts';

/**
 * `monthly_activity`: one month, for the whole business or for one client.
 * Figures: messages in/out/failed per day and per channel (rollup for closed days, live today;
 * a client's report is computed live for that phone), unique users, new clients (created in the
 * month), average response time (daily averages weighted by the day's inbound messages), cost.
 */
export async function buildMonthlyActivity(ctx: BuildContext, month: string, client?: { id: number; phone: string; name: string | null }): Promise<BuiltReport> {
  const [from, to] = monthDays(month);
  let days: DayChannelStats[] = [];
  if (client) for (const d of daysBetween(from, to)) days.push(...(await ctx.stats.computeDay(ctx.em, d, client.phone)));
  else days = await ctx.stats.daily(ctx.em, from, to);
  const perChannel = byChannel(days);
  const users = await uniqueUsers(ctx, from, to, client?.phone);
  const billed = new Map([...perChannel].map(([id, c]) => [id, c.outbound - c.failed]));
  // A client's report shows no cost: no pricing query for it.
  const cost = client ? null : await costs(ctx, from, to, billed);
  const [s, e] = rangeParams(ctx, from, to);
  const newClients = client
    ? 0
    : num((await rows<{ n: unknown }>(ctx.em, `select count(*) as n from usuarios where user_type = 'client' and created_at >= ? and created_at < ?`, [s, e]))[0]?.n);
  const orders = client
    ? (await rows<Record<string, unknown>>(ctx.em, `select count(*) as n, coalesce(sum(total), 0) as total from pedidos where "clienteId" = ? and created_at >= ? and created_at < ?`, [client.id, s, e]))[0]
    : undefined;

  const daily = daysBetween(from, to).map((day) => {
    const ds = days.filter((d) => d.day === day);
    return {
      day,
      inbound: ds.reduce((a, d) => a + d.inbound, 0),
      outbound: ds.reduce((a, d) => a + d.outbound, 0),
      failed: ds.reduce((a, d) => a + d.failed, 0),
      avg_response_seconds: overallResponse(ds),
    };
  });
  const totals = {
    inbound: daily.reduce((a, d) => a + d.inbound, 0),
    outbound: daily.reduce((a, d) => a + d.outbound, 0),
    failed: daily.reduce((a, d) => a + d.failed, 0),
    unique_users: users.get(0) ?? 0,
    new_clients: newClients,
    avg_response_seconds: overallResponse(days),
    cost: cost ? Math.round([...cost.perChannel.values()].reduce((a, v) => a + v, 0) * 10000) / 10000 : null,
    ...(orders ? { orders: num(orders.n), orders_total: num(orders.total) } : {}),
  };
  const channels = [...perChannel].map(([id, c]) => ({
    channel: ctx.channelNames.get(id) ?? String(id),
    inbound: c.inbound,
    outbound: c.outbound,
    failed: c.failed,
    unique_users: users.get(id) ?? 0,
    avg_response_seconds: c.avgResponseSeconds,
    cost: cost ? (cost.perChannel.get(id) ?? 0) : null,
  }));

  const scope = client ? t('reports.scope_client', { name: client.name ?? `+${client.phone}`, phone: client.phone }) : t('reports.scope_business');
  const title = t('reports.monthly.title', { month: formatMonth(month) });
  const cur = ctx.config.REPORT_CURRENCY;
  return {
    dateFrom: from,
    dateTo: to,
    clienteId: client?.id ?? null,
    data: { type: 'monthly_activity', month, scope: client ? { phone: client.phone } : 'business', currency: cur, totals, channels, daily },
    doc: {
      title,
      subtitle: `${scope} · ${formatDay(from)} – ${formatDay(to)}`,
      summary: [
        t('reports.monthly.summary1', { inbound: totals.inbound, outbound: totals.outbound, failed: totals.failed }),
        t('reports.monthly.summary2', { users: totals.unique_users, fresh: totals.new_clients, response: formatSeconds(totals.avg_response_seconds) }) +
          (totals.cost !== null ? t('reports.cost_suffix', { cost: money(totals.cost, cur) }) : ''),
      ],
      tables: [
        {
          id: 'totals',
          title: t('reports.table.totals'),
          columns: [{ key: 'metric', label: t('reports.col.metric'), names: labelsOf(Object.keys(totals), cur) }, { key: 'value', label: t('reports.col.value') }],
          rows: Object.entries(totals).map(([metric, value]) => ({ metric, value })),
        },
        {
          id: 'channels',
          title: t('reports.table.channels'),
          columns: columnsOf(['channel', 'inbound', 'outbound', 'failed', 'unique_users', 'avg_response_seconds', 'cost'], cur),
          rows: channels,
        },
        {
          id: 'daily',
          title: t('reports.table.daily'),
          columns: columnsOf(['day', 'inbound', 'outbound', 'failed', 'avg_response_seconds'], cur),
          rows: daily,
        },
      ],
    },
    charts: [
      {
        type: 'line',
        title: t('reports.chart.volume', { period: formatMonth(month) }),
        categories: daily.map((d) => shortDay(d.day)),
        series: [
          { name: t('reports.col.inbound'), data: daily.map((d) => d.inbound) },
          { name: t('reports.col.outbound'), data: daily.map((d) => d.outbound) },
        ],
      },
      {
        type: 'pie',
        title: t('reports.chart.channel_split'),
        slices: channels.map((c) => ({ name: c.channel, value: c.inbound + c.outbound })),
      },
    ],
  };
}
