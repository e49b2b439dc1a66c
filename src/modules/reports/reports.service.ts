/**
 * Reports (issue 12): channel statistics, on-demand and scheduled reports in json/csv/html/pdf.
 *
 * Module map
 * - channel-stats.service.ts  `channel_statistics` rollup (00:05 job, backfill on start, live today)
 * - pricing.ts                Meta `pricing.category` from status webhooks → `message_pricing`
 * - builders/*.ts             one builder per report type → a ReportDocument + ChartSpecs + data
 * - charts.ts                 ChartSpec → SVG + PNG (ECharts SSR + resvg, bundled font)
 * - pdf.ts / html.ts / csv.ts ReportDocument (+ chart PNG/SVG) → file bytes
 * - schedules.service.ts      subscriptions, durable runs, retries, delivery in chat
 *
 * Reuse seam (issue 14, groups participation and any other module that needs charts/PDF):
 *   const chart = renderChart({ type: 'bar', title: 'Participación', categories, series });
 *   const pdf = await buildPdf({ title, subtitle, summary, tables }, [chart.png], { generatedAt });
 * or add a builder returning BuiltReport and call `reports.generate` to get the
 * `customer_reports` row, the file under STORAGE_DIR and the audited download for free.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { CustomerReport, type REPORT_TYPES } from '../campaigns/customer-report.entity.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { buildMonthlyActivity } from './builders/activity.ts';
import { buildCampaignPerformance } from './builders/campaign.ts';
import { buildChannelAnalysis } from './builders/channels.ts';
import { buildContext, type BuiltReport } from './builders/context.ts';
import { buildCustom, CUSTOM_METRICS, type CustomMetric } from './builders/custom.ts';
import { buildGrowth } from './builders/growth.ts';
import { createChannelStatsService, type ChannelStatsService } from './channel-stats.service.ts';
import { renderChart, renderChartSvg, type RenderedChart } from './charts.ts';
import { buildCsv } from './csv.ts';
import { addDays, addMonths, isDay, localDay } from './dates.ts';
import { buildHtml } from './html.ts';
import { buildPdf } from './pdf.ts';

export type ReportType = (typeof REPORT_TYPES)[number];
export const REPORT_FORMATS = ['pdf', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  type: ReportType;
  format?: ReportFormat;
  /** monthly_activity: 'YYYY-MM' (default: this month). */
  month?: string;
  /** monthly_activity: one client's report. */
  phone?: string;
  /** campaign_performance: name or id. */
  campaign?: string;
  /** channel_analysis / custom: 'YYYY-MM-DD'; growth: 'YYYY-MM' or a day in it. */
  from?: string;
  to?: string;
  metrics?: string[];
  generatedBy?: number | null;
  schedule?: { frequency: 'daily' | 'weekly' | 'monthly' };
}

export interface GeneratedReport {
  reportId: string;
  title: string;
  summary: string[];
  format: ReportFormat;
  /** Relative to STORAGE_DIR. */
  filePath: string;
  fileName: string;
  mimeType: string;
  bytes: Buffer;
  mainChart: RenderedChart;
  data: Record<string, unknown>;
}

/** `format` when it is one of REPORT_FORMATS, else a ValidationError naming it (chat and scheduled reports). */
export function checkFormat(format: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new ValidationError(t('reports.bad_format', { value: String(format).slice(0, 20) }));
  return format as ReportFormat;
}

export const MIME: Record<ReportFormat, string> = { pdf: 'application/pdf', csv: 'text/csv', json: 'application/json', html: 'text/html' };
const MAX_RANGE_DAYS = 366;

const slug = (s: string) =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'informe';

export function createReportsService(deps: { config: Config; clock: Clock; logger: Logger }) {
  const tz = deps.config.TZ;
  const stats: ChannelStatsService = createChannelStatsService(deps);
  const log = deps.logger.child({ module: 'reports' });

  const today = () => localDay(deps.clock.now(), tz);

  function checkDay(v: string | undefined, name: string): string | undefined {
    if (v === undefined) return undefined;
    if (!isDay(v)) throw new ValidationError(t('reports.bad_day', { name, value: v.slice(0, 30) }));
    return v;
  }

  function dayRangeOf(req: ReportRequest, defaultDays: number): [string, string] {
    const to = checkDay(req.to, 'hasta') ?? today();
    const from = checkDay(req.from, 'desde') ?? addDays(to, -(defaultDays - 1));
    if (from > to) throw new ValidationError(t('reports.range_order', { from, to }));
    if (from > today()) throw new ValidationError(t('reports.future', { value: from }));
    if (addDays(from, MAX_RANGE_DAYS - 1) < to) throw new ValidationError(t('reports.range_too_long', { max: MAX_RANGE_DAYS }));
    return [from, to];
  }

  function monthOf(v: string | undefined, name: string): string | undefined {
    if (v === undefined) return undefined;
    if (/^\d{4}-\d{2}$/.test(v) && isDay(`${v}-01`)) return v;
    if (isDay(v)) return v.slice(0, 7);
    throw new ValidationError(t('reports.bad_month', { name, value: v.slice(0, 30) }));
  }

  async function build(em: EntityManager, req: ReportRequest): Promise<BuiltReport> {
    const ctx = await buildContext(em, deps.config, deps.clock, stats);
    switch (req.type) {
      case 'monthly_activity': {
        const month = monthOf(req.month, 'mes') ?? today().slice(0, 7);
        if (month > today().slice(0, 7)) throw new ValidationError(t('reports.future', { value: month }));
        let client: { id: number; phone: string; name: string | null } | undefined;
        if (req.phone !== undefined) {
          const phone = normalizePhone(req.phone);
          if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: req.phone.slice(0, 30) }), undefined, 'INVALID_PHONE');
          const user = await em.findOne(Usuario, { phoneNumber: phone });
          if (!user) throw new NotFoundError(t('http.client_not_found', { phone: `+${phone}` }), 'CLIENT_NOT_FOUND');
          client = { id: user.id, phone, name: user.nombre ?? null };
        }
        return buildMonthlyActivity(ctx, month, client);
      }
      case 'campaign_performance': {
        const ref = req.campaign?.trim();
        if (!ref) throw new ValidationError(t('reports.campaign_required'));
        return buildCampaignPerformance(ctx, ref);
      }
      case 'channel_analysis': {
        const [from, to] = dayRangeOf(req, 30);
        return buildChannelAnalysis(ctx, from, to);
      }
      case 'growth': {
        const toMonth = monthOf(req.to, 'hasta') ?? today().slice(0, 7);
        const fromMonth = monthOf(req.from, 'desde') ?? addMonths(toMonth, -5);
        if (fromMonth > toMonth) throw new ValidationError(t('reports.range_order', { from: fromMonth, to: toMonth }));
        if (toMonth > today().slice(0, 7)) throw new ValidationError(t('reports.future', { value: toMonth }));
        if (addMonths(fromMonth, 23) < toMonth) throw new ValidationError(t('reports.growth_too_long', { max: 24 }));
        return buildGrowth(ctx, fromMonth, toMonth);
      }
      case 'custom': {
        if (!req.from || !req.to) throw new ValidationError(t('reports.custom_range_required'));
        const [from, to] = dayRangeOf(req, 30);
        const metrics = (req.metrics ?? []).map((m) => m.trim().toLowerCase()).filter(Boolean);
        if (!metrics.length) throw new ValidationError(t('reports.metrics_required', { metrics: CUSTOM_METRICS.join(', ') }));
        const unknown = metrics.filter((m) => !(CUSTOM_METRICS as readonly string[]).includes(m));
        if (unknown.length) throw new ValidationError(t('reports.metrics_unknown', { bad: unknown.join(', ').slice(0, 80), metrics: CUSTOM_METRICS.join(', ') }));
        return buildCustom(ctx, from, to, [...new Set(metrics)] as CustomMetric[]);
      }
      default:
        throw new ValidationError(t('reports.bad_type', { value: String(req.type).slice(0, 30) }));
    }
  }

  /** The file bytes, and the main chart (its PNG goes to the chat); other charts only where the format shows them. */
  async function render(built: BuiltReport, format: ReportFormat, generatedAt: string): Promise<{ bytes: Buffer; main: RenderedChart }> {
    const main = renderChart(built.charts[0]!);
    const rest = built.charts.slice(1);
    const meta = { generatedAt };
    if (format === 'pdf') return { bytes: await buildPdf(built.doc, [main.png, ...rest.map((c) => renderChart(c).png)], meta), main };
    if (format === 'html') return { bytes: Buffer.from(buildHtml(built.doc, [main.svg, ...rest.map((c) => renderChartSvg(c))], meta)), main };
    if (format === 'csv') return { bytes: Buffer.from(buildCsv(built.doc)), main };
    return { bytes: Buffer.from(JSON.stringify({ title: built.doc.title, subtitle: built.doc.subtitle, summary: built.doc.summary, ...built.data }, null, 2)), main };
  }

  /**
   * Builds, renders and stores one report: the file under STORAGE_DIR (a client's report in
   * `clients/client_{id}/reports/`, others in `reports/`), written to a temp name and renamed,
   * then one `customer_reports` row. A failed insert removes the file.
   */
  async function generate(em: EntityManager, req: ReportRequest): Promise<GeneratedReport> {
    const format = checkFormat(req.format ?? 'pdf');
    const started = performance.now();
    const built = await build(em, req);
    const now = deps.clock.now();
    const generatedAt = t('reports.generated_at', { at: new Intl.DateTimeFormat('es-ES', { timeZone: tz, dateStyle: 'long', timeStyle: 'short' }).format(now) });
    const { bytes, main } = await render(built, format, generatedAt);
    const reportId = randomUUID();
    const folder = built.clienteId ? `clients/client_${built.clienteId}/reports` : 'reports';
    const fileName = `${slug(built.doc.title)}-${localDay(now, tz)}-${reportId.slice(0, 8)}.${format}`;
    const rel = `${folder}/${fileName}`;
    const abs = join(deps.config.STORAGE_DIR, rel);
    await mkdir(dirname(abs), { recursive: true });
    const tmp = `${abs}.${randomUUID().slice(0, 8)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, abs);
    try {
      em.create(CustomerReport, {
        reportId,
        cliente: built.clienteId,
        reportType: req.type,
        reportTitle: built.doc.title.slice(0, 255),
        reportBody: JSON.stringify(built.data),
        generatedByUser: req.generatedBy ?? null,
        dateFrom: built.dateFrom,
        dateTo: built.dateTo,
        filePath: rel,
        format,
        isScheduled: Boolean(req.schedule),
        scheduleFrequency: req.schedule?.frequency ?? 'weekly',
        createdAt: now,
        updatedAt: now,
      } as never);
      await em.flush();
    } catch (err) {
      await rm(abs, { force: true });
      throw err;
    }
    log.info({ reportId, type: req.type, format, ms: Math.round(performance.now() - started), bytes: bytes.length }, 'report generated');
    return { reportId, title: built.doc.title, summary: built.doc.summary.slice(0, 2), format, filePath: rel, fileName, mimeType: MIME[format], bytes, mainChart: main, data: built.data };
  }

  /**
   * A scheduled run's report: the stored one when the run already generated it (a retry after a
   * failed delivery resends the same file; its preview chart is drawn again), else a new one.
   */
  async function regenerateOrLoad(em: EntityManager, reportId: string | null, req: ReportRequest): Promise<GeneratedReport> {
    const row = reportId ? await em.findOne(CustomerReport, { reportId } as never) : null;
    if (!row?.filePath) return generate(em, req);
    const bytes = await readFile(join(deps.config.STORAGE_DIR, row.filePath)).catch(() => null);
    if (!bytes) return generate(em, req);
    const built = await build(em, req);
    const format = row.format as ReportFormat;
    return {
      reportId: row.reportId, title: built.doc.title, summary: built.doc.summary.slice(0, 2), format, filePath: row.filePath,
      fileName: row.filePath.split('/').pop()!, mimeType: MIME[format], bytes, mainChart: renderChart(built.charts[0]!), data: built.data,
    };
  }

  /** The latest generated reports, newest first. */
  function recent(em: EntityManager, limit: number) {
    return em.find(CustomerReport, { filePath: { $ne: null } } as never, { orderBy: { createdAt: 'desc' }, limit });
  }

  return { generate, build, regenerateOrLoad, recent, stats };
}

export type ReportsService = ReturnType<typeof createReportsService>;
