import { renderChart, type ChartSpec } from '../reports/charts.ts';
import { buildPdf } from '../reports/pdf.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { Reply } from '../../transport/types.ts';
import { formatNumber, t } from '../../shared/i18n/index.ts';
import { GROUP_MESSAGE_TYPES, type GroupParticipation } from './participation.ts';
import { shortId } from './group-lookup.ts';

/**
 * The participation report as people receive it: a readable summary, a CSV document and the
 * data of its charts. `groupReportReplies` is the ONE function that turns the report into chat
 * replies: the main chart (busiest hours) as an image, the PDF and the CSV, drawn by the reports
 * module's renderer (src/modules/reports/charts.ts, pdf.ts).
 */

const fmtDate = (d: Date, timeZone?: string) => new Intl.DateTimeFormat('es-ES', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const isoLocal = (d: Date | null, timeZone?: string) => {
  if (!d) return '';
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

/** The period as people read it: the last day shown is the day before the exclusive end. */
export function periodLabel(r: GroupParticipation): string {
  return t('groups.report.period', { from: fmtDate(r.from, r.timeZone), to: fmtDate(new Date(r.to.getTime() - 1), r.timeZone) });
}

const who = (phone: string | null, name: string | null) => {
  const p = phone === null ? t('groups.report.unknown_sender') : phone.startsWith('lid:') ? phone : `+${phone}`;
  return name ? `${name} (${p})` : p;
};

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula starts neutralized. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: Array<string | number | null | undefined>) => cells.map(csvField).join(',');

/**
 * One table with a `seccion` column, so every figure of the report is in one file a
 * spreadsheet opens and a script can filter: resumen, miembro (per member and type), tipo,
 * hora (local hour 0–23) and movimiento (joins, leaves, removals, promotions, demotions).
 */
export function participationCsv(r: GroupParticipation): string {
  const tz = r.timeZone;
  const head = ['seccion', 'clave', 'nombre', 'valor', 'rol', 'estado', ...GROUP_MESSAGE_TYPES, 'primer_mensaje', 'ultimo_mensaje', 'autor', 'origen'];
  const blank = (n: number) => Array.from({ length: n }, () => '');
  const lines = [csvLine(head)];
  const summary: Array<[string, string | number]> = [
    ['grupo', r.group.name], ['id', shortId(r.group.groupId)], ['desde', isoLocal(r.from, tz)], ['hasta', isoLocal(r.to, tz)], ['zona_horaria', tz ?? 'sistema'],
    ['mensajes', r.totals.messages], ['mensajes_bot', r.totals.botMessages], ['miembros', r.totals.members], ['activos', r.totals.active], ['silenciosos', r.totals.silent],
    ['entradas', r.totals.joins], ['salidas', r.totals.leaves], ['expulsiones', r.totals.removals],
  ];
  for (const [k, v] of summary) lines.push(csvLine(['resumen', k, '', v, ...blank(head.length - 4)]));
  for (const m of r.members) {
    lines.push(csvLine(['miembro', m.phone ?? '', m.name ?? '', m.messages, m.role ?? '', m.status ?? '', ...GROUP_MESSAGE_TYPES.map((ty) => m.byType[ty]), isoLocal(m.firstAt, tz), isoLocal(m.lastAt, tz), '', '']));
  }
  for (const ty of r.byType) lines.push(csvLine(['tipo', ty.type, t(`groups.type.${ty.type}`), ty.messages, ...blank(head.length - 4)]));
  r.hours.forEach((n, h) => lines.push(csvLine(['hora', String(h).padStart(2, '0'), '', n, ...blank(head.length - 4)])));
  for (const mv of r.movements) {
    lines.push(csvLine(['movimiento', mv.phone, mv.name ?? '', isoLocal(mv.at, tz), '', mv.action, ...blank(GROUP_MESSAGE_TYPES.length + 2), mv.actor ?? '', mv.source]));
  }
  // BOM: spreadsheet programs then read the accents as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The text summary sent in the chat (also the caption-sized lead of the PDF later). */
export function participationSummary(r: GroupParticipation, opts: { topMembers?: number } = {}): string {
  const top = opts.topMembers ?? 5;
  const lines = [t('groups.report.title', { name: r.group.name }), periodLabel(r), ''];
  lines.push(t('groups.report.totals', { messages: r.totals.messages, members: r.totals.members, active: r.totals.active, silent: r.totals.silent }));
  if (r.totals.botMessages) lines.push(t('groups.report.bot', { n: r.totals.botMessages }));
  lines.push(t('groups.report.moves', { joins: r.totals.joins, leaves: r.totals.leaves, removals: r.totals.removals }));
  const writers = r.members.filter((m) => m.messages > 0).slice(0, top);
  if (writers.length) {
    lines.push('', t('groups.report.top_title'));
    writers.forEach((m, i) => lines.push(t('groups.report.top_line', { rank: i + 1, who: who(m.phone, m.name), n: m.messages })));
  }
  if (r.byType.length) {
    lines.push('', t('groups.report.types', { list: r.byType.map((ty) => `${t(`groups.type.${ty.type}`)} ${formatNumber(ty.messages)}`).join(' · ') }));
  }
  const busiest = r.hours.map((n, h) => ({ h, n })).filter((x) => x.n > 0).sort((a, b) => b.n - a.n || a.h - b.h).slice(0, 3);
  if (busiest.length) lines.push(t('groups.report.hours', { list: busiest.map((x) => `${String(x.h).padStart(2, '0')}:00 (${formatNumber(x.n)})`).join(', ') }));
  const silent = r.members.filter((m) => m.status !== null && m.messages === 0);
  if (silent.length) {
    const shown = silent.slice(0, 10).map((m) => who(m.phone, m.name)).join(', ');
    lines.push(t('groups.report.silent', { list: silent.length > 10 ? `${shown} ${t('groups.more', { n: silent.length - 10 })}` : shown }));
  }
  if (!r.totals.messages && !r.totals.joins && !r.totals.leaves && !r.totals.removals) lines.push('', t('groups.report.empty'));
  return lines.join('\n');
}

/** What issue 12's chart renderer draws: plain series with Spanish labels. */
export function participationCharts(r: GroupParticipation) {
  return {
    main: { kind: 'bar' as const, title: t('groups.report.chart_hours', { name: r.group.name }), labels: r.hours.map((_, h) => `${String(h).padStart(2, '0')}h`), values: r.hours },
    members: { kind: 'bar' as const, title: t('groups.report.chart_members'), labels: r.members.filter((m) => m.messages > 0).slice(0, 15).map((m) => m.name ?? (m.phone ? `+${m.phone}` : '?')), values: r.members.filter((m) => m.messages > 0).slice(0, 15).map((m) => m.messages) },
    types: { kind: 'pie' as const, title: t('groups.report.chart_types'), labels: r.byType.map((ty) => t(`groups.type.${ty.type}`)), values: r.byType.map((ty) => ty.messages) },
  };
}

export function reportFileName(r: GroupParticipation, ext: string): string {
  const slug = r.group.name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || shortId(r.group.groupId);
  return `participacion-${slug}-${isoLocal(r.from, r.timeZone).slice(0, 10)}.${ext}`;
}

/**
 * The report as chat replies: summary text, then the CSV. Merge point for issue 12: add the
 * chart PNG (participationCharts(r).main) before the summary and the PDF after it, as the
 * other reports are delivered.
 */
/** The participation report as a document for the reports module's PDF writer. */
function participationDocument(r: GroupParticipation): ReportDocument {
  const summary = participationSummary(r).split('\n').filter((l) => l.trim());
  return {
    title: t('groups.report.title', { name: r.group.name }),
    subtitle: periodLabel(r),
    summary: summary.slice(2),
    tables: [
      {
        id: 'members',
        title: t('groups.report.chart_members'),
        columns: [{ key: 'member', label: t('groups.report.col_member') }, { key: 'messages', label: t('groups.report.col_messages') }],
        rows: r.members.map((m) => ({ member: who(m.phone, m.name), messages: m.messages })),
      },
      {
        id: 'types',
        title: t('groups.report.chart_types'),
        columns: [{ key: 'type', label: t('groups.report.col_type') }, { key: 'messages', label: t('groups.report.col_messages') }],
        rows: r.byType.map((ty) => ({ type: t(`groups.type.${ty.type}`), messages: ty.messages })),
      },
    ],
  };
}

/** The participation charts as the reports module draws them (busiest hours first: the main one). */
export function participationChartSpecs(r: GroupParticipation): ChartSpec[] {
  const c = participationCharts(r);
  const specs: ChartSpec[] = [{ type: 'bar', title: c.main.title, categories: c.main.labels, series: [{ name: t('groups.report.col_messages'), data: c.main.values }] }];
  if (c.members.values.length) specs.push({ type: 'bar', title: c.members.title, categories: c.members.labels, series: [{ name: t('groups.report.col_messages'), data: c.members.values }] });
  if (c.types.values.length) specs.push({ type: 'pie', title: c.types.title, slices: c.types.labels.map((name, i) => ({ name, value: c.types.values[i]! })) });
  return specs;
}

/**
 * Delivered like the other reports: the main chart (messages by hour) as an image with the
 * summary, then the PDF (every chart and table) and the CSV.
 */
export async function groupReportReplies(r: GroupParticipation, now: Date = new Date()): Promise<Reply[]> {
  const csv = Buffer.from(participationCsv(r), 'utf8');
  const charts = participationChartSpecs(r).map((spec) => renderChart(spec));
  const pdf = await buildPdf(participationDocument(r), charts.map((c) => c.png), { generatedAt: isoLocal(now, r.timeZone) });
  return [
    { kind: 'image', buffer: charts[0]!.png, mimetype: 'image/png', caption: participationSummary(r) },
    { kind: 'document', buffer: pdf, fileName: reportFileName(r, 'pdf'), mimetype: 'application/pdf', caption: t('groups.report.pdf_caption', { name: r.group.name }) },
    { kind: 'document', buffer: csv, fileName: reportFileName(r, 'csv'), mimetype: 'text/csv', caption: t('groups.report.csv_caption', { name: r.group.name }) },
  ];
}
