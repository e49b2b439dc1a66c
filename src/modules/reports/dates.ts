import { zonedTime } from '../admin/args.ts';

/**
 * Calendar days and months in the configured time zone (`TZ`). Reports and the rollup work on
 * local days: a day is the half-open instant range [00:00, next 00:00) in TZ, so a DST change
 * gives a 23- or 25-hour day rather than shifting every bucket by an hour.
 */

/** 'YYYY-MM-DD' of `at` in `timeZone`. */
export function localDay(at: Date, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const ymd = (day: string): [number, number, number] => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};

/** Whether `text` is a real calendar day written as YYYY-MM-DD. */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = ymd(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The instant local midnight starts `day`. */
export function dayStart(day: string, timeZone?: string): Date {
  const [y, m, d] = ymd(day);
  return zonedTime(y, m, d, 0, 0, 0, timeZone)!;
}

/** [start, end) of a local day. */
export function dayRange(day: string, timeZone?: string): [Date, Date] {
  return [dayStart(day, timeZone), dayStart(addDays(day, 1), timeZone)];
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** 'YYYY-MM' → first and last day. */
export function monthDays(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = `${month}-01`;
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return [first, last];
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** '2026-11-03' → '03/11/2026' (Spanish order). */
export function formatDay(day: string): string {
  const [y, m, d] = ymd(day);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
}

/** '2026-11-03' → '3 nov' for chart axes. */
export function shortDay(day: string): string {
  const [y, m, d] = ymd(day);
  return new Intl.DateTimeFormat('es-ES', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d))).replace('.', '');
}

/** '2026-11' → 'noviembre de 2026'. */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat('es-ES', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
}
