import { displayCell, type Cell, type ReportDocument } from './document.ts';

/** A self-contained HTML page: charts inline as SVG, tables, no external assets or scripts. */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cell = (v: Cell, names?: Record<string, string>) => esc(displayCell(v, names));

export function buildHtml(doc: ReportDocument, chartSvgs: string[], meta: { generatedAt: string }): string {
  const tables = doc.tables
    .map(
      (t) =>
        `<h2>${esc(t.title)}</h2><table><thead><tr>${t.columns.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr></thead><tbody>${t.rows
          .map((r) => `<tr>${t.columns.map((c) => `<td>${cell(r[c.key] ?? null, c.names)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>${esc(doc.title)}</title>
<style>body{font-family:Roboto,Arial,sans-serif;max-width:1040px;margin:24px auto;color:#111}h1{margin-bottom:0}.sub{color:#4b5563}
table{border-collapse:collapse;width:100%;margin-bottom:24px}th,td{border-bottom:1px solid #d1d5db;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#e5e7eb}.chart svg{max-width:100%;height:auto}</style></head>
<body><h1>${esc(doc.title)}</h1><p class="sub">${esc(doc.subtitle)}<br><small>${esc(meta.generatedAt)}</small></p>
<ul>${doc.summary.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${chartSvgs.map((s) => `<div class="chart">${s}</div>`).join('\n')}
${tables}
</body></html>
`;
}
