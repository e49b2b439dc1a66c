import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';
import type { MemberRow } from './segments.service.ts';

/**
 * CSV in and out for segment members. Import: one phone per line, in a column named
 * telefono/teléfono/phone (or the first column when there is no such header); every bad line is
 * reported with its number. Export: telefono, nombre, desde, motivo.
 */

export const MAX_IMPORT_LINES = 50_000;
const PHONE_HEADERS = new Set(['telefono', 'teléfono', 'phone', 'phonenumber', 'movil', 'móvil']);

export interface PhoneLines {
  phones: Array<{ line: number; phone: string }>;
  errors: Array<{ line: number; reason: string }>;
}

export function phonesFromCsv(bytes: Buffer): PhoneLines {
  if (bytes.includes(0)) throw new ValidationError(t('segments.import.not_csv'), undefined, 'NOT_CSV');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(bytes, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true, delimiter: [',', ';', '\t'] }) as never;
  } catch (err) {
    throw new ValidationError(t('segments.import.bad_csv', { detail: (err as Error).message.slice(0, 160) }), undefined, 'BAD_CSV');
  }
  if (records.length > MAX_IMPORT_LINES + 1) throw new ValidationError(t('segments.import.too_big', { max: MAX_IMPORT_LINES }), undefined, 'CSV_TOO_BIG');
  const out: PhoneLines = { phones: [], errors: [] };
  const header = records[0]?.record.map((h) => h.toLowerCase()) ?? [];
  let col = header.findIndex((h) => PHONE_HEADERS.has(h));
  const hasHeader = col >= 0 || (header.length > 0 && !normalizePhone(header[0] ?? ''));
  if (col < 0) col = 0;
  for (const { record, info } of hasHeader ? records.slice(1) : records) {
    const raw = record[col] ?? '';
    const phone = normalizePhone(raw);
    if (phone) out.phones.push({ line: info.lines, phone });
    else out.errors.push({ line: info.lines, reason: t('http.invalid_phone', { phone: raw.slice(0, 30) }) });
  }
  return out;
}

export function membersToCsv(rows: MemberRow[]): Buffer {
  return Buffer.from(stringify(rows.map((r) => ['+' + r.phone, r.nombre ?? '', r.member.joinedDate ? new Date(r.member.joinedDate).toISOString() : '', r.member.reasonJoined ?? '']), {
    header: true,
    columns: ['telefono', 'nombre', 'desde', 'motivo'],
  }));
}
