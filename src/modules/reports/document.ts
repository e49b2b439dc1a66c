/**
 * A report as data, independent of its format: what the PDF, HTML, CSV and JSON writers render.
 * Cells are numbers (formatted for `es` when displayed) or strings.
 */
export type Cell = string | number | null;

export interface ReportTable {
  /** Stable id used as the CSV section name and JSON key (snake_case). */
  id: string;
  title: string;
  columns: Array<{ key: string; label: string }>;
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
