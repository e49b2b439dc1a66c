import { t } from '../../../shared/i18n/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { formatDay, localDay } from '../dates.ts';
import { num, rows } from '../sql.ts';
import { money, unitPrice, type BuildContext, type BuiltReport } from './context.ts';

/**
 * `campaign_performance`, over `campaigns` + `campaign_recipient_log`. Funnel: recipients →
 * sent (a sent timestamp, or a status at or past sent) → delivered → read (same rule) →
 * clicked (`campaigns.unique_clicks`) → converted (`campaigns.conversion_count`); failed and
 * pending counted apart. Rates are percentages of sent. Cost = sent × the channel's price.
 */
export async function buildCampaignPerformance(ctx: BuildContext, ref: string): Promise<BuiltReport> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const found = await rows<Record<string, unknown>>(ctx.em,
    `select campaign_id, campaign_name, status, channel_id, start_date, end_date, created_at, unique_clicks, conversion_count from campaigns where ${isUuid ? 'campaign_id = ?' : 'lower(campaign_name) = lower(?)'} order by created_at desc`,
    [ref]);
  const c = found[0];
  if (!c) throw new NotFoundError(t('reports.campaign_not_found', { name: ref.slice(0, 60) }), 'CAMPAIGN_NOT_FOUND');
  const f = (await rows<Record<string, unknown>>(ctx.em, `
    select count(*) as recipients,
      sum(case when sent_timestamp is not null or send_status in ('sent', 'delivered', 'read') then 1 else 0 end) as sent,
      sum(case when delivered_timestamp is not null or send_status in ('delivered', 'read') then 1 else 0 end) as delivered,
      sum(case when read_timestamp is not null or send_status = 'read' then 1 else 0 end) as read_count,
      sum(case when send_status in ('failed', 'bounced') then 1 else 0 end) as failed,
      sum(case when send_status in ('pending', 'sending') then 1 else 0 end) as pending
    from campaign_recipient_log where campaign_id = ?`, [c.campaign_id]))[0] ?? {};
  const funnel = {
    recipients: num(f.recipients),
    sent: num(f.sent),
    delivered: num(f.delivered),
    read: num(f.read_count),
    clicked: num(c.unique_clicks),
    converted: num(c.conversion_count),
    failed: num(f.failed),
    pending: num(f.pending),
  };
  const pct = (n: number) => (funnel.sent ? Math.round((n / funnel.sent) * 1000) / 10 : 0);
  const channelId = num(c.channel_id);
  const unit = unitPrice(ctx, channelId);
  const cost = Math.round(funnel.sent * unit * 10000) / 10000;
  const stages = [
    { stage: 'sent', label: t('reports.funnel.sent'), value: funnel.sent },
    { stage: 'delivered', label: t('reports.funnel.delivered'), value: funnel.delivered },
    { stage: 'read', label: t('reports.funnel.read'), value: funnel.read },
    { stage: 'clicked', label: t('reports.funnel.clicked'), value: funnel.clicked },
    { stage: 'converted', label: t('reports.funnel.converted'), value: funnel.converted },
  ];
  const toDay = (v: unknown) => (v === null || v === undefined ? null : localDay(new Date(typeof v === 'number' || /^\d+$/.test(String(v)) ? Number(v) : String(v)), ctx.config.TZ));
  const from = toDay(c.start_date) ?? toDay(c.created_at);
  const to = toDay(c.end_date);
  const cur = ctx.config.REPORT_CURRENCY;
  const name = String(c.campaign_name);
  return {
    dateFrom: from,
    dateTo: to,
    clienteId: null,
    data: { type: 'campaign_performance', campaign_id: c.campaign_id, campaign: name, status: c.status, channel: ctx.channelNames.get(channelId) ?? null, currency: cur, funnel, rates: Object.fromEntries(stages.map((s) => [s.stage, pct(s.value)])), cost },
    doc: {
      title: t('reports.campaign.title', { name }),
      subtitle: t('reports.campaign.subtitle', { status: t(`reports.campaign_status.${String(c.status)}`), channel: ctx.channelNames.get(channelId) ?? '—', from: from ? formatDay(from) : '—' }),
      summary: [
        t('reports.campaign.summary1', { recipients: funnel.recipients, sent: funnel.sent, delivered: funnel.delivered, read: funnel.read }),
        t('reports.campaign.summary2', { clicked: funnel.clicked, converted: funnel.converted, failed: funnel.failed, rate: pct(funnel.read) }) + t('reports.cost_suffix', { cost: money(cost, cur) }),
      ],
      tables: [
        {
          id: 'funnel',
          title: t('reports.table.funnel'),
          columns: [{ key: 'stage', label: t('reports.col.stage'), names: Object.fromEntries(['recipients', ...stages.map((s) => s.stage), 'failed', 'pending'].map((k) => [k, t(`reports.funnel.${k}`)])) }, { key: 'value', label: t('reports.col.value') }, { key: 'pct_of_sent', label: t('reports.col.pct_sent') }],
          rows: [
            { stage: 'recipients', value: funnel.recipients, pct_of_sent: null },
            ...stages.map((s) => ({ stage: s.stage, value: s.value, pct_of_sent: pct(s.value) })),
            { stage: 'failed', value: funnel.failed, pct_of_sent: null },
            { stage: 'pending', value: funnel.pending, pct_of_sent: null },
          ],
        },
      ],
    },
    charts: [{ type: 'funnel', title: t('reports.chart.funnel', { name }), stages: stages.map((s) => ({ name: s.label, value: s.value })) }],
  };
}
