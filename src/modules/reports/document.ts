/**
 * A report as data, independent of its format: what the PDF, HTML, CSV and JSON writers render.
 * Cells are numbers (formatted for `es` when displayed) or strings.
 */
import { formatNumber } from '../../shared/i18n/index.ts';
import { formatDay, formatMonth, isDay } from './dates.ts';

export type Cell = string | number | null;

/**
 * A cell as people read it (PDF, HTML): numbers with Spanish grouping and decimal comma, ISO days
 * as 03/11/2026 and months as "noviembre de 2026". CSV and JSON keep the machine forms.
 */
export function displayCell(v: Cell, names?: Record<string, string>): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' && names?.[v] !== undefined) return names[v];
  if (typeof v === 'number') return formatNumber(v);
  if (isDay(v)) return formatDay(v);
  if (/^\d{4}-\d{2}$/.test(v) && isDay(`${v}-01`)) return formatMonth(v);
  return v;
}

export interface ReportTable {
  /** Stable id used as the CSV section name and JSON key (snake_case). */
  id: string;
  title: string;
  /** `names`: how PDF and HTML show a column's machine values (e.g. a metric key in Spanish); CSV and JSON keep the keys. */
  columns: Array<{ key: string; label: string; names?: Record<string, string> }>;
  rows: Array<Record<string, Cell>>;
}

export interface ReportDocument {
  title: string;
  /** Range or scope line under the title. */
  subtitle: string;
  /** The first two lines are the chat summary. */
  summary: string[];
  tables: ReportTable[];
}
