import type { IUsuario } from '../identity/usuario.entity.ts';

/**
 * What an erasure looks for: the phone, the LID, the e-mail and the full name. Not the name's
 * single words: "María" or "López" alone would also rewrite every other María and López in the
 * database, which is someone else's data. Values with quotes or backslashes are skipped: they
 * could not be replaced inside JSON text without breaking it.
 */
export function erasureNeedles(u: Pick<IUsuario, 'phoneNumber' | 'lid' | 'email' | 'nombre'>): string[] {
  const out = new Set<string>();
  const add = (v: string | null | undefined, min = 3) => {
    const s = v?.trim();
    if (s && s.length >= min && !/["\\]/.test(s)) out.add(s);
  };
  add(u.phoneNumber, 6);
  add(u.lid, 6);
  add(u.email);
  add(u.nombre?.replace(/\s+/gu, ' '));
  // Longest first, so a value containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const cell = (v: unknown) => esc(v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
const MAX_ROWS = 500;

/** The export's index.html: the profile, then one table per section (data/*.json has everything). */
export function renderExportHtml(u: IUsuario, sections: Record<string, Array<Record<string, unknown>>>, at: Date, tz?: string): string {
  const when = new Intl.DateTimeFormat('es-ES', { timeZone: tz, dateStyle: 'long', timeStyle: 'short' }).format(at);
  const blocks = Object.entries(sections).map(([name, rows]) => {
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const body = rows
      .slice(0, MAX_ROWS)
      .map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`)
      .join('\n');
    const more = rows.length > MAX_ROWS ? `<p>… y ${rows.length - MAX_ROWS} filas más en data/${esc(name)}.json</p>` : '';
    return `<h2>${esc(name)} (${rows.length})</h2><table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>\n${body}</table>${more}`;
  });
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Datos de ${esc(u.nombre ?? `+${u.phoneNumber}`)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}</style></head>
<body><h1>Tus datos en MarIADono</h1><p>${esc(u.nombre ?? '')} (+${esc(u.phoneNumber)}) · exportado el ${esc(when)}</p>
<p>La conversación completa está en <a href="conversacion.html">conversacion.html</a>; los archivos, en la carpeta files/; cada tabla, en data/.</p>
${blocks.join('\n')}
</body></html>
`;
}
