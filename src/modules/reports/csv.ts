import type { Cell, ReportDocument } from './document.ts';

/**
 * RFC 4180 CSV (comma, CRLF, quotes doubled). Several tables go one after another, each as a
 * section: a row holding only its id (`#monthly_days`), its header row, its rows, then an empty
 * line. Numbers are written plainly (dot decimals) so spreadsheets and scripts read them back.
 */

const field = (v: Cell): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  // A leading = + - @ would run as a formula in a spreadsheet (CSV injection).
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function buildCsv(doc: ReportDocument): string {
  const lines: string[] = [];
  for (const t of doc.tables) {
    lines.push(field(`#${t.id}`));
    lines.push(t.columns.map((c) => field(c.key)).join(','));
    for (const r of t.rows) lines.push(t.columns.map((c) => field(r[c.key] ?? null)).join(','));
    lines.push('');
  }
  return '\ufeff' + lines.join('\r\n');
}
