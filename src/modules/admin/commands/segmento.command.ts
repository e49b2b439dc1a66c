import { z } from 'zod';
import { text, type Reply } from '../../../transport/types.ts';
import { formatNumber, t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { readAttachment } from '../../files/attachments.ts';
import { membersToCsv, phonesFromCsv } from '../../segments/members-csv.ts';
import { defineCommand, defineSubcommand, type CommandContext } from '../registry.ts';
import { fmtDate, fmtMoney, parseCreate, parseCriteriaArg, parseNameAndPage, parseNameAndRest, reasonText, splitPhones, TYPE_NAMES } from './segment-text.ts';

/**
 * `/segmento …`: create, inspect and maintain customer segments from the chat. Every action is
 * a call to the segments service; this file only reads the words and writes the answers.
 */

const rawText = z.object({ texto: z.string().optional() }).strict();
const PAGE = 20;
const MAX_CSV_BYTES = 5 * 1024 * 1024;

const need = (v: string | undefined, name: string): string => {
  if (!v?.trim()) throw new ValidationError(t('admin.args.missing', { name }), undefined, 'INVALID_ARGS');
  return v.trim();
};
const unquote = (v: string) => v.trim().replace(/^["“”«]+|["“”»]+$/g, '');

type Ctx = CommandContext<z.output<typeof rawText>>;
const seg = (ctx: Ctx) => ctx.services.segments;

async function changeMembers(ctx: Ctx, action: 'add' | 'remove'): Promise<Reply[]> {
  const { name, rest } = parseNameAndRest(need(ctx.args.texto, 'nombre'), 'telefono');
  const segment = await seg(ctx).findByName(ctx.em, name);
  const res = await seg(ctx).setMembers(ctx.em, segment, splitPhones(rest), action);
  Object.assign(ctx.auditNotes, { segment: segment.segmentName, changed: res.changed });
  const lines = [t(action === 'add' ? 'segments.added' : 'segments.removed', { changed: res.changed, name: segment.segmentName, active: res.counts.active })];
  if (res.unknown.length) lines.push(t(action === 'add' ? 'segments.unknown_phones' : 'segments.unknown_phones_removed', { phones: res.unknown.map((p) => `+${p}`).join(', ').slice(0, 300) }));
  return [text(lines.join('\n'))];
}

export const segmentoCommand = defineCommand({
  name: 'segmento',
  aliases: ['segmentos', 'segment', 'segments'],
  description: 'Segmentos de clientes: reglas, miembros, vista previa, exportación',
  subcommands: [
    defineSubcommand({
      name: 'crear', aliases: ['create', 'nuevo'], description: 'Crea un segmento (criterios en JSON o clave=valor; tipo=manual|dinamico|hibrido)',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento crear <nombre> <criterios> [tipo=dinamico|hibrido|manual]',
      examples: ['/segmento crear "Clientes activos" last_interaction_days=30 total_spent=1000', '/segmento crear VIP {"transactional":{"total_spent":1000}} tipo=hibrido', '/segmento crear Feria tipo=manual'],
      target: () => null,
      async run(ctx) {
        const input = parseCreate(need(ctx.args.texto, 'nombre'));
        const { segment, counts } = await seg(ctx).create(ctx.em, { ...input, createdBy: ctx.caller.userId!, now: ctx.now });
        Object.assign(ctx.auditNotes, { segment: segment.segmentName, type: segment.segmentType });
        return [text(t('segments.created', { name: segment.segmentName, type: TYPE_NAMES[segment.segmentType], active: counts.active }))];
      },
    }),
    defineSubcommand({
      name: 'lista', aliases: ['list', 'listar'], description: 'Lista los segmentos',
      permission: 'segments.read', args: z.object({}).strict(), usage: '/segmento lista', examples: ['/segmento lista'],
      async run(ctx) {
        const { items, total } = await ctx.services.segments.list(ctx.em, { limit: 50, offset: 0 });
        if (!total) return [text(t('segments.list.empty'))];
        const lines = items.map((s) => t('segments.list.line', { name: s.segmentName, type: TYPE_NAMES[s.segmentType], active: s.activeCustomers, updated: fmtDate(s.lastUpdated) }));
        return [text([t('segments.list.title', { total }), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'ver', aliases: ['show', 'detalle'], description: 'Definición, miembros y tendencia de un segmento',
      permission: 'segments.read', params: ['texto'], rawArgs: true, args: rawText, usage: '/segmento ver <nombre>', examples: ['/segmento ver VIP'],
      target: () => null,
      async run(ctx) {
        const s = await seg(ctx).findByName(ctx.em, unquote(need(ctx.args.texto, 'nombre')));
        const d = await seg(ctx).details(ctx.em, s);
        const lines = [
          t('segments.view.title', { name: s.segmentName, type: TYPE_NAMES[s.segmentType] }),
          t('segments.view.counts', { active: s.activeCustomers, total: s.totalCustomers, updated: fmtDate(s.lastUpdated) }),
        ];
        if (d.criteria) lines.push(t('segments.view.rule', { criteria: JSON.stringify(d.criteria) }));
        if (s.segmentType !== 'dynamic') lines.push(t('segments.view.overrides', { includes: d.includes, excludes: d.excludes }));
        if (d.trend.length) lines.push(t('segments.view.trend', { trend: d.trend.map((p) => `${p.date.slice(5)}: ${formatNumber(p.value)}`).join(' · ') }));
        if (Object.keys(d.latest).length) {
          lines.push(t('segments.view.metrics', {
            engagement: d.latest.engagement_rate ?? 0, conversion: d.latest.conversion_rate ?? 0, churn: d.latest.churn_rate ?? 0,
            avg: fmtMoney(d.latest.avg_purchase_value ?? 0), ltv: fmtMoney(d.latest.lifetime_value ?? 0),
          }));
        }
        return [text(lines.join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'vista-previa', aliases: ['preview', 'vistaprevia', 'previa'], description: 'Cuántos clientes cumplen unos criterios, con cinco ejemplos (no guarda nada)',
      permission: 'segments.read', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento vista-previa <criterios>', examples: ['/segmento vista-previa last_interaction_days=30 total_purchases=2'],
      target: () => null,
      async run(ctx) {
        const res = await seg(ctx).preview(ctx.em, parseCriteriaArg(need(ctx.args.texto, 'criterios')), ctx.now);
        const lines = [t('segments.preview', { count: res.count })];
        if (res.sample.length) lines.push(t('segments.preview.sample'), ...res.sample.map((c) => `• +${c.phone} ${c.nombre ?? ''}`.trimEnd()));
        return [text(lines.join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'recalcular', aliases: ['recompute', 'actualizar'], description: 'Recalcula un segmento, o todos los dinámicos e híbridos',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento recalcular [nombre]', examples: ['/segmento recalcular VIP', '/segmento recalcular'],
      target: () => null,
      async run(ctx) {
        if (!ctx.args.texto?.trim()) return [text(t('segments.recomputed_all', { count: await seg(ctx).recomputeAll(ctx.now) }))];
        const s = await seg(ctx).findByName(ctx.em, unquote(ctx.args.texto));
        const c = await seg(ctx).recompute(ctx.em, s, ctx.now);
        return [text(t('segments.recomputed', { name: s.segmentName, ...c }))];
      },
    }),
    defineSubcommand({
      name: 'miembros', aliases: ['members'], description: 'Miembros activos de un segmento, por páginas de 20',
      permission: 'segments.read', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento miembros <nombre> [página]', examples: ['/segmento miembros VIP', '/segmento miembros VIP 2'],
      target: () => null,
      async run(ctx) {
        const { name, page } = parseNameAndPage(need(ctx.args.texto, 'nombre'));
        const s = await seg(ctx).findByName(ctx.em, name);
        const res = await seg(ctx).members(ctx.em, s.segmentId, { limit: PAGE, offset: (page - 1) * PAGE });
        const pages = Math.max(1, Math.ceil(res.total / PAGE));
        if (!res.total) return [text(t('segments.members.empty', { name: s.segmentName }))];
        if (page > pages) return [text(t('segments.members.bad_page', { page, pages }))];
        const lines = res.items.map((m, i) => t('segments.members.line', { n: (page - 1) * PAGE + i + 1, phone: m.phone, name: m.nombre ?? '', joined: fmtDate(m.member.joinedDate), reason: reasonText(m.member.reasonJoined) }));
        return [text([t('segments.members.title', { name: s.segmentName, page, pages, total: res.total }), ...lines].join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'agregar', aliases: ['add', 'añadir', 'incluir'], description: 'Añade clientes a mano (segmentos manuales e híbridos)',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento agregar <nombre> <telefono…>', examples: ['/segmento agregar VIP +34600000001, +34600000002'],
      target: () => null,
      run: (ctx) => changeMembers(ctx, 'add'),
    }),
    defineSubcommand({
      name: 'quitar', aliases: ['remove', 'excluir', 'sacar'], description: 'Quita clientes a mano (en híbridos quedan excluidos de la regla)',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento quitar <nombre> <telefono…>', examples: ['/segmento quitar VIP +34600000001'],
      target: () => null,
      run: (ctx) => changeMembers(ctx, 'remove'),
    }),
    defineSubcommand({
      name: 'explicar', aliases: ['explain', 'por-que', 'porque'], description: 'Por qué un cliente está o no en un segmento: cada criterio con su valor real',
      permission: 'segments.read', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento explicar <nombre> <telefono>', examples: ['/segmento explicar VIP +34600000001'],
      target: () => null,
      async run(ctx) {
        const { name, rest } = parseNameAndRest(need(ctx.args.texto, 'nombre'), 'telefono');
        const s = await seg(ctx).findByName(ctx.em, name);
        const ex = await seg(ctx).explain(ctx.em, s, rest);
        const lines = [t('segments.explain.title', { phone: ex.client.phoneNumber, name: s.segmentName, verdict: t(ex.member ? 'segments.explain.member' : 'segments.explain.not_member') })];
        const manual = t(ex.override === 'include' ? 'segments.explain.include' : ex.override === 'exclude' ? 'segments.explain.exclude' : 'segments.explain.no_override');
        if (ex.matched === null) lines.push(t('segments.explain.manual', { state: manual }));
        else {
          lines.push(t('segments.explain.rule', { result: t(ex.matched ? 'segments.explain.rule_yes' : 'segments.explain.rule_no') }));
          lines.push(...ex.lines.map((l) => t('segments.explain.line', { icon: l.pass ? '✅' : '❌', label: l.label, actual: l.actual })));
          if (s.segmentType === 'hybrid') lines.push(manual);
        }
        if (ex.stints.length) {
          const periods = ex.stints.map((p) => (p.left ? t('segments.explain.stint_closed', { joined: fmtDate(p.joined), left: fmtDate(p.left) }) : t('segments.explain.stint_open', { joined: fmtDate(p.joined) })));
          lines.push(t('segments.explain.history', { periods: periods.join('; ') }));
        }
        return [text(lines.join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'exportar', aliases: ['export', 'csv'], description: 'Miembros activos como documento CSV',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento exportar <nombre>', examples: ['/segmento exportar VIP'],
      target: () => null,
      async run(ctx) {
        const s = await seg(ctx).findByName(ctx.em, unquote(need(ctx.args.texto, 'nombre')));
        const all = [];
        for await (const row of seg(ctx).exportRows(ctx.em, s.segmentId)) all.push(row);
        const fileName = `segmento-${s.segmentName.normalize('NFD').replace(/[^\w-]+/g, '_').slice(0, 60)}.csv`;
        return [{ kind: 'document', buffer: membersToCsv(all), fileName, mimetype: 'text/csv', caption: t('segments.export.caption', { name: s.segmentName, count: all.length }) }];
      },
    }),
    defineSubcommand({
      name: 'importar', aliases: ['import'], description: 'Añade como miembros los teléfonos de un CSV adjunto (escribe el comando como texto del documento)',
      permission: 'segments.manage', params: ['texto'], rawArgs: true, args: rawText,
      usage: '/segmento importar <nombre> (con un CSV adjunto)', examples: ['/segmento importar Feria'],
      target: () => null,
      async run(ctx) {
        const s = await seg(ctx).findByName(ctx.em, unquote(need(ctx.args.texto, 'nombre')));
        const att = ctx.input.attachment;
        if (!att) throw new ValidationError(t('segments.import.no_file'), undefined, 'NO_ATTACHMENT');
        const bytes = await readAttachment(ctx.em, { media: ctx.services.media, storageDir: ctx.services.deps.config.STORAGE_DIR }, att.messageId, MAX_CSV_BYTES);
        const parsed = phonesFromCsv(bytes);
        const res = await seg(ctx).setMembers(ctx.em, s, parsed.phones.map((p) => p.phone), 'add', 'csv');
        const unknown = new Set(res.unknown);
        const bad = [...parsed.errors, ...parsed.phones.filter((p) => unknown.has(p.phone)).map((p) => ({ line: p.line, reason: t('http.client_not_found', { phone: p.phone }) }))].sort((a, b) => a.line - b.line);
        Object.assign(ctx.auditNotes, { segment: s.segmentName, changed: res.changed, bad: bad.length });
        const lines = [t('segments.import.done', { name: s.segmentName, changed: res.changed, active: res.counts.active, bad: bad.length })];
        lines.push(...bad.slice(0, 20).map((b) => t('segments.import.bad_line', b)));
        if (bad.length > 20) lines.push('…');
        return [text(lines.join('\n'))];
      },
    }),
    defineSubcommand({
      name: 'puntuar', aliases: ['scores', 'puntuaciones'], description: 'Recalcula ahora las puntuaciones de todos los clientes (también cada noche a las 03:00)',
      permission: 'segments.manage', args: z.object({}).strict(), usage: '/segmento puntuar', examples: ['/segmento puntuar'],
      // Half a minute or more with a million clients: "Procesando…" first, the count when done.
      longRunning: true,
      async run(ctx) {
        return [text(t('clients.scores_done', { count: await seg(ctx).computeScores(ctx.now) }))];
      },
    }),
  ],
});
