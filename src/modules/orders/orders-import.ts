import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import { isAppError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { ORDER_STATES, type IPedido } from './pedido.entity.ts';
import { normalizeTotal, recordOrder } from './orders.service.ts';

/**
 * `mariadono import pedidos <archivo.csv>`: one order per line through `recordOrder` (the same
 * validation and idempotency as the API). A bad line is reported with its number and reason and
 * the others are kept. Re-importing the same file changes nothing: every order is keyed by its
 * `ref` column, or — when a line has none — by a hash of its content (`csv:<sha256>`), so two
 * identical lines without `ref` count as one order.
 *
 * Columns (header row, any order, Spanish or English names): telefono|phone, total,
 * estado|status, ref|external_ref, fecha|date (YYYY-MM-DD or ISO), moneda|currency, nombre|name,
 * notas|notes.
 */

export interface ImportLineError {
  line: number;
  reason: string;
}

export interface ImportResult {
  lines: number;
  created: number;
  unchanged: number;
  errors: ImportLineError[];
}

const ALIASES: Record<string, string> = {
  telefono: 'phone', teléfono: 'phone', phone: 'phone', total: 'total', importe: 'total', estado: 'estado', status: 'estado',
  ref: 'ref', external_ref: 'ref', referencia: 'ref', fecha: 'fecha', date: 'fecha', moneda: 'currency', currency: 'currency',
  nombre: 'nombre', name: 'nombre', notas: 'notes', notes: 'notes',
};

/** `YYYY-MM-DD` (UTC midnight) or an ISO date-time (UTC unless it names an offset); null for 2026-02-30. */
function parseDate(v: string): Date | null {
  const s = v.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return null;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3])) return null;
  if (s.length === 10) return day;
  const d = new Date(s.replace(' ', 'T') + (m[4] ? '' : 'Z'));
  return Number.isNaN(d.getTime()) ? null : d;
}

export async function importOrdersCsv(
  orm: Orm,
  input: Readable,
  opts: { now: Date; onProgress?: (p: { lines: number; bytes: number }) => void },
): Promise<ImportResult> {
  // Malformed records (a stray or unclosed quote) are skipped and reported; parsing goes on.
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true, skip_records_with_error: true }));
  const result: ImportResult = { lines: 0, created: 0, unchanged: 0, errors: [] };
  parser.on('skip', (err: { lines?: number; message: string }) => {
    result.errors.push({ line: err.lines ?? 0, reason: t('orders.import.malformed', { detail: err.message.slice(0, 160) }) });
  });
  let columns: string[] | null = null;
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
    const line = rec.info.lines;
    if (!columns) {
      columns = rec.record.map((h) => ALIASES[h.trim().toLowerCase()] ?? `?${h}`);
      const unknown = columns.filter((c) => c.startsWith('?')).map((c) => c.slice(1));
      if (!columns.includes('phone') || !columns.includes('total')) throw new ValidationError(t('orders.import.header', { found: rec.record.join(', ').slice(0, 120) }), undefined, 'CSV_HEADER');
      if (unknown.length) result.errors.push({ line, reason: t('orders.import.unknown_columns', { columns: unknown.join(', ').slice(0, 120) }) });
      continue;
    }
    result.lines++;
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      if (!c.startsWith('?') && rec.record[i] !== undefined) row[c] = rec.record[i]!;
    });
    const reason = await importLine(orm, row, opts.now, result);
    if (reason) result.errors.push({ line, reason });
    opts.onProgress?.({ lines: result.lines, bytes: rec.info.bytes });
  }
  // An empty file (or one of blank lines) has no header either.
  if (!columns) throw new ValidationError(t('orders.import.empty'), undefined, 'CSV_HEADER');
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

async function importLine(orm: Orm, row: Record<string, string>, now: Date, result: ImportResult): Promise<string | null> {
  const phone = normalizePhone(row.phone ?? '');
  if (!phone) return t('http.invalid_phone', { phone: (row.phone ?? '').slice(0, 30) });
  const total = normalizeTotal(row.total ?? '');
  if (total === null) return t('http.invalid_total', { total: (row.total ?? '').slice(0, 30) });
  const estado = (row.estado || 'pendiente').toLowerCase();
  if (!(ORDER_STATES as readonly string[]).includes(estado)) return t('orders.import.bad_state', { value: estado.slice(0, 30), valid: ORDER_STATES.join(', ') });
  const currency = (row.currency || 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return t('orders.import.bad_currency', { value: currency.slice(0, 10) });
  let createdAt: Date | null = null;
  if (row.fecha) {
    createdAt = parseDate(row.fecha);
    if (!createdAt) return t('orders.import.bad_date', { value: row.fecha.slice(0, 30) });
    if (createdAt.getTime() > now.getTime()) return t('orders.import.future_date', { value: row.fecha.slice(0, 30) });
  }
  const ref = row.ref?.trim()
    ? row.ref.trim()
    : `csv:${createHash('sha256').update([phone, total, currency, estado, createdAt?.toISOString() ?? ''].join('|')).digest('hex').slice(0, 40)}`;
  if (ref.length > 100) return t('orders.import.bad_ref');
  try {
    const res = await withEm(orm, (em) =>
      recordOrder(em, { phone, total, currency, estado: estado as IPedido['estado'], externalRef: ref, nombre: row.nombre || null, notes: row.notes || null, createdAt }),
    );
    if (res.created) result.created++;
    else result.unchanged++;
    return null;
  } catch (err) {
    if (isAppError(err)) return err.message;
    throw err;
  }
}
