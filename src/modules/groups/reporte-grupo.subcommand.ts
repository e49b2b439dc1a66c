import { z } from 'zod';
import { t } from '../../shared/i18n/index.ts';
import { ValidationError } from '../../shared/errors.ts';
import { defineSubcommand } from '../admin/registry.ts';
import { splitGroupAndDates } from './group-args.ts';
import { parseDateArg, parseUntilArg } from '../admin/args.ts';
import { groupReportReplies } from './participation-report.ts';

const DEFAULT_DAYS = 30;

/**
 * `/reporte grupo <grupo> [desde] [hasta]` (UC-203), as a sub-command definition of its own so
 * it plugs into issue 12's `/reporte` command: add `reporteGrupoSubcommand` to that command's
 * `subcommands` (and drop the stand-in `/reporte` of commands/reporte-grupo.command.ts).
 * Default period: the last 30 days up to now; `hasta` as a day includes that whole day.
 */
export const reporteGrupoSubcommand = defineSubcommand({
  name: 'grupo',
  aliases: ['group', 'participacion'],
  description: 'Participación en un grupo: mensajes por miembro y tipo, activos y silenciosos, horas punta, entradas y salidas (resumen + CSV)',
  permission: 'reports.view',
  longRunning: true,
  params: ['...grupo'],
  args: z.object({ grupo: z.string().trim().min(1).max(200), desde: z.string().max(40).optional(), hasta: z.string().max(40).optional() }).strict(),
  usage: '/reporte grupo <grupo> [desde] [hasta]',
  examples: ['/reporte grupo Clientes VIP', '/reporte grupo "Clientes VIP" 2026-11-01 2026-11-30', '/reporte grupo 120363025246125888 7d'],
  target: (args) => args.grupo,
  async run({ em, args, services, now, auditNotes }) {
    const tz = services.deps.config.TZ;
    const inline = splitGroupAndDates(args.grupo, 2 - (args.desde ? 1 : 0) - (args.hasta ? 1 : 0));
    const [desdeText, hastaText] = [args.desde ?? inline.dates.shift(), args.hasta ?? inline.dates.shift()];
    const from = desdeText ? parseDateArg(desdeText, now, tz) : new Date(now.getTime() - DEFAULT_DAYS * 86_400_000);
    const to = hastaText ? parseUntilArg(hastaText, now, tz) : now;
    if (from.getTime() > now.getTime()) throw new ValidationError(t('groups.future', { value: (desdeText ?? '').slice(0, 30) }));
    if (to.getTime() <= from.getTime()) throw new ValidationError(t('groups.report_range'));
    const group = await services.groups.findGroup(em, inline.group);
    const report = await services.groups.participation(em, group, from, to);
    Object.assign(auditNotes, { group: group.groupId, from: from.toISOString(), to: to.toISOString() });
    return groupReportReplies(report, now);
  },
});
