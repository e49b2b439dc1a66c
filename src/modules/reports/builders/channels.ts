import { t } from '../../../shared/i18n/index.ts';
import { daysBetween, formatDay, shortDay } from '../dates.ts';
import { byChannel, columnsOf, costs, money, uniqueUsers, type BuildContext, type BuiltReport } from './context.ts';

/**
 * `channel_analysis` (UC-401…404) for [from, to]: per channel inbound, outbound, failed,
 * failure rate (% of outbound), unique users over the range, average response time (daily
 * averages weighted by inbound), cost and cost per message; Meta pricing categories apart.
 */
export async function buildChannelAnalysis(ctx: BuildContext, from: string, to: string): Promise<BuiltReport> {
  const days = await ctx.stats.daily(ctx.em, from, to);
  const per = byChannel(days);
  const users = await uniqueUsers(ctx, from, to);
  const cost = await costs(ctx, from, to, new Map([...per].map(([id, c]) => [id, c.outbound - c.failed])));
  const cur = ctx.config.REPORT_CURRENCY;
  const channels = [...per].map(([id, c]) => {
    const spent = cost.perChannel.get(id) ?? 0;
    const billed = c.outbound - c.failed;
    return {
      channel: ctx.channelNames.get(id) ?? String(id),
      inbound: c.inbound,
      outbound: c.outbound,
      failed: c.failed,
      failure_rate_pct: c.outbound ? Math.round((c.failed / c.outbound) * 1000) / 10 : 0,
      unique_users: users.get(id) ?? 0,
      avg_response_seconds: c.avgResponseSeconds,
      cost: spent,
      cost_per_message: billed ? Math.round((spent / billed) * 10000) / 10000 : 0,
    };
  });
  const categories = cost.categories.map((c) => ({ channel: ctx.channelNames.get(c.channelId) ?? String(c.channelId), category: c.category, messages: c.messages, cost: c.cost }));
  const totalCost = Math.round(channels.reduce((a, c) => a + c.cost, 0) * 10000) / 10000;
  const busiest = [...channels].sort((a, b) => b.inbound + b.outbound - (a.inbound + a.outbound))[0];
  const dayList = daysBetween(from, to);
  return {
    dateFrom: from,
    dateTo: to,
    clienteId: null,
    data: { type: 'channel_analysis', from, to, currency: cur, channels, pricing_categories: categories, total_cost: totalCost },
    doc: {
      title: t('reports.channels.title'),
      subtitle: `${formatDay(from)} – ${formatDay(to)}`,
      summary: [
        t('reports.channels.summary1', { count: channels.length, busiest: busiest?.channel ?? '—', messages: busiest ? busiest.inbound + busiest.outbound : 0 }),
        t('reports.channels.summary2', { users: users.get(0) ?? 0, cost: money(totalCost, cur) }),
      ],
      tables: [
        {
          id: 'channels',
          title: t('reports.table.channels'),
          columns: columnsOf(['channel', 'inbound', 'outbound', 'failed', 'failure_rate_pct', 'unique_users', 'avg_response_seconds', 'cost', 'cost_per_message'], cur),
          rows: channels,
        },
        {
          id: 'pricing_categories',
          title: t('reports.table.categories'),
          columns: columnsOf(['channel', 'category', 'messages', 'cost'], cur),
          rows: categories,
        },
      ],
    },
    charts: [
      {
        type: 'bar',
        title: t('reports.chart.per_channel'),
        categories: channels.map((c) => c.channel),
        series: [
          { name: t('reports.col.inbound'), data: channels.map((c) => c.inbound) },
          { name: t('reports.col.outbound'), data: channels.map((c) => c.outbound) },
          { name: t('reports.col.failed'), data: channels.map((c) => c.failed) },
        ],
      },
      { type: 'pie', title: t('reports.chart.channel_split'), slices: channels.map((c) => ({ name: c.channel, value: c.inbound + c.outbound })) },
      {
        type: 'line',
        title: t('reports.chart.volume', { period: `${formatDay(from)} – ${formatDay(to)}` }),
        categories: dayList.map(shortDay),
        series: [...per.keys()].map((id) => ({
          name: ctx.channelNames.get(id) ?? String(id),
          data: dayList.map((d) => days.filter((x) => x.day === d && x.channelId === id).reduce((a, x) => a + x.inbound + x.outbound, 0)),
        })),
      },
    ],
  };
}
