import { reporteGrupoSubcommand } from '../../groups/reporte-grupo.subcommand.ts';
import { z } from 'zod';
import { text, type Reply } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import type { ReportFormat, ReportRequest } from '../../reports/reports.service.ts';
import { reportReplies } from '../../reports/schedules.service.ts';
import type { ScheduleFrequency } from '../../reports/report-schedule.entity.ts';
import { defineCommand, defineSubcommand, type CommandContext } from '../registry.ts';
import { formatDateTime } from '../format.ts';

/**
 * `/reporte …`: reports in the chat. Without `formato=` the answer is the main chart as an image
 * with a two-line summary plus the PDF as a document; with it, the summary and that file.
 * Generation answers "Procesando…" first and delivers when done (longRunning).
 */

// Checked by the reports service, whose message names the wrong value.
const zFormat = z.string().max(20).transform((v) => v.toLowerCase() as ReportFormat).optional();
const TYPE_WORDS: Record<string, ReportRequest['type']> = {
  mensual: 'monthly_activity', campana: 'campaign_performance', 'campaña': 'campaign_performance', canales: 'channel_analysis',
  crecimiento: 'growth', personalizado: 'custom',
};
const FREQ_WORDS: Record<string, ScheduleFrequency> = { diaria: 'daily', diario: 'daily', semanal: 'weekly', mensual: 'monthly' };

async function generate(ctx: CommandContext, req: ReportRequest, format: ReportFormat | undefined): Promise<Reply[]> {
  const report = await ctx.services.reports.generate(ctx.em, { ...req, format: format ?? 'pdf', generatedBy: ctx.caller.userId });
  ctx.auditNotes.reportId = report.reportId;
  return reportReplies(report, { withChart: format === undefined });
}

const rangeArgs = z.object({ desde: z.string().max(20).optional(), hasta: z.string().max(20).optional(), formato: zFormat }).strict();

/** `/reporte <name> [desde] [hasta]`: the report types that take an optional range. */
function rangeSubcommand(name: string, aliases: string[], type: ReportRequest['type'], description: string, examples: string[]) {
  return defineSubcommand({
    name,
    aliases,
    description,
    permission: 'reports.create',
    longRunning: true,
    params: ['desde', 'hasta'],
    args: rangeArgs,
    usage: `/reporte ${name} [desde] [hasta] [formato=…]`,
    examples,
    async run(ctx) {
      return generate(ctx, { type, from: ctx.args.desde, to: ctx.args.hasta }, ctx.args.formato);
    },
  });
}

export const reporteCommand = defineCommand({
  name: 'reporte',
  aliases: ['reportes', 'informe', 'informes', 'report'],
  description: 'Informes con gráficos (PDF, CSV, JSON, HTML), bajo demanda o programados',
  subcommands: [
    // The group participation report (issue 14) lives with the groups module.
    reporteGrupoSubcommand,
    defineSubcommand({
      name: 'mensual',
      aliases: ['monthly'],
      description: 'Actividad de un mes, de todo el negocio o de un cliente',
      permission: 'reports.create',
      longRunning: true,
      params: ['...filtros'],
      args: z.object({ filtros: z.string().max(60).optional(), formato: zFormat }).strict(),
      usage: '/reporte mensual [AAAA-MM] [telefono] [formato=pdf|csv|json|html]',
      examples: ['/reporte mensual', '/reporte mensual 2026-11', '/reporte mensual 2026-11 +34600000001 formato=csv'],
      target: (args) => (args.filtros ?? '').replace(/^\s*\d{4}-\d{2}\S*/, '').replace(/[^\d]/g, '') || null,
      async run(ctx) {
        const words = (ctx.args.filtros ?? '').trim().split(/\s+/u).filter(Boolean);
        const month = words[0] && /^\d{4}-\d/.test(words[0]) ? words.shift() : undefined;
        const phone = words.length ? words.join('') : undefined;
        return generate(ctx, { type: 'monthly_activity', month, phone }, ctx.args.formato);
      },
    }),
    defineSubcommand({
      name: 'campana',
      aliases: ['campaign'],
      description: 'Rendimiento de una campaña: embudo enviados → entregados → leídos → clics → conversiones',
      permission: 'reports.create',
      longRunning: true,
      params: ['...campana'],
      args: z.object({ campana: z.string().max(255).optional(), formato: zFormat }).strict(),
      usage: '/reporte campana <campaña> [formato=…]',
      examples: ['/reporte campana "Black Friday"', '/reporte campana Black Friday formato=html'],
      target: () => null,
      async run(ctx) {
        return generate(ctx, { type: 'campaign_performance', campaign: ctx.args.campana }, ctx.args.formato);
      },
    }),
    rangeSubcommand('canales', ['channels', 'canal'], 'channel_analysis',
      'Comparativa de canales: volumen, fallos, respuesta, usuarios y coste (últimos 30 días por defecto)',
      ['/reporte canales', '/reporte canales 2026-11-01 2026-11-30']),
    rangeSubcommand('crecimiento', ['growth'], 'growth',
      'Clientes nuevos, activos y perdidos por mes, con cohortes de retención (6 meses por defecto)',
      ['/reporte crecimiento', '/reporte crecimiento 2026-06 2026-11']),
    defineSubcommand({
      name: 'personalizado',
      aliases: ['custom'],
      description: 'Periodo y métricas a elegir: entrantes, salientes, fallidos, usuarios, respuesta, nuevos, coste',
      permission: 'reports.create',
      longRunning: true,
      args: z.object({ desde: z.string().max(20).optional(), hasta: z.string().max(20).optional(), metricas: z.string().max(200).optional(), formato: zFormat }).strict(),
      usage: '/reporte personalizado desde=AAAA-MM-DD hasta=AAAA-MM-DD metricas=a,b [formato=…]',
      examples: ['/reporte personalizado desde=2026-11-01 hasta=2026-11-30 metricas=entrantes,salientes,coste'],
      async run(ctx) {
        const metrics = ctx.args.metricas?.split(',');
        return generate(ctx, { type: 'custom', from: ctx.args.desde, to: ctx.args.hasta, metrics }, ctx.args.formato);
      },
    }),
    defineSubcommand({
      name: 'programar',
      aliases: ['schedule', 'suscribir'],
      description: 'Recibe un informe aquí cada día, semana o mes',
      permission: 'reports.create',
      params: ['tipo', 'frecuencia'],
      args: z.object({ tipo: z.string().max(30), frecuencia: z.string().max(20), formato: zFormat }).strict(),
      usage: '/reporte programar <mensual|canales|crecimiento|personalizado> <diaria|semanal|mensual> [formato=…]',
      examples: ['/reporte programar canales semanal', '/reporte programar mensual mensual formato=csv'],
      target: () => null,
      async run({ em, args, services, caller }) {
        const type = TYPE_WORDS[args.tipo.toLowerCase()];
        if (!type) throw new ValidationError(t('reports.bad_type', { value: args.tipo.slice(0, 30) }));
        const frequency = FREQ_WORDS[args.frecuencia.toLowerCase()];
        if (!frequency) throw new ValidationError(t('reports.bad_frequency', { value: args.frecuencia.slice(0, 20) }));
        const { schedule, created } = await services.reportSchedules.subscribe(em, caller.userId!, type, frequency, args.formato ?? 'pdf');
        if (!created) return [text(t('reports.schedule_exists', { id: String(schedule.scheduleId) }))];
        return [text(t('reports.scheduled', { id: String(schedule.scheduleId), type: t(`reports.type.${type}`), frequency: t(`reports.frequency.${frequency}`), format: schedule.format.toUpperCase() }))];
      },
    }),
    defineSubcommand({
      name: 'programados',
      aliases: ['scheduled', 'suscripciones'],
      description: 'Tus informes programados y su último envío',
      permission: 'reports.view',
      args: z.object({}).strict(),
      usage: '/reporte programados',
      examples: ['/reporte programados'],
      async run({ em, services, caller }) {
        const items = await services.reportSchedules.list(em, caller.userId!);
        if (!items.length) return [text(t('reports.schedules_empty'))];
        const lines = items.map(({ schedule: s, last }) =>
          t('reports.schedule_line', {
            id: String(s.scheduleId), type: t(`reports.type.${s.reportType}`), frequency: t(`reports.frequency.${s.scheduleFrequency}`), format: s.format.toUpperCase(),
            last: last ? `${last.periodKey} (${t(`reports.run_status.${last.status}`)})` : t('reports.never'),
          }),
        );
        return [text([t('reports.schedules_title', { count: items.length }), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'cancelar',
      aliases: ['cancel', 'baja'],
      description: 'Cancela uno de tus informes programados',
      permission: 'reports.create',
      params: ['id'],
      args: z.object({ id: z.string().regex(/^\d{1,9}$/, { error: () => t('reports.bad_id') }).transform(Number) }).strict(),
      usage: '/reporte cancelar <id>',
      examples: ['/reporte cancelar 3'],
      target: (args) => String(args.id),
      async run({ em, args, services, caller }) {
        await services.reportSchedules.cancel(em, caller.userId!, args.id);
        return [text(t('reports.cancelled', { id: String(args.id) }))];
      },
    }),
    defineSubcommand({
      name: 'lista',
      aliases: ['list', 'ultimos'],
      description: 'Los últimos informes generados (descárgalos por la API con su id)',
      permission: 'reports.view',
      args: z.object({}).strict(),
      usage: '/reporte lista',
      examples: ['/reporte lista'],
      async run({ em, services }) {
        const rows = await services.reports.recent(em, 10);
        if (!rows.length) return [text(t('reports.list_empty'))];
        const tz = services.deps.config.TZ;
        const lines = rows.map((r) =>
          t('reports.list_line', { at: formatDateTime(new Date(r.createdAt), tz), title: r.reportTitle ?? r.reportType, format: r.format.toUpperCase(), who: r.isScheduled ? ` · ${t(`reports.frequency.${r.scheduleFrequency}`)}` : '', id: r.reportId }),
        );
        return [text([t('reports.list_title', { count: rows.length }), ...lines].join('\n'))];
      },
    }),
  ],
});
