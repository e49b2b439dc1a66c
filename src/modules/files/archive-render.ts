/** The readable forms of a conversation archive: a plain transcript and a standalone HTML page. */

/** What rendering needs of a `conversations_log` row. */
export interface RenderMessage {
  date: Date;
  body?: string | null;
  messageType: string;
  messageDirection: string;
  origin?: string | null;
  messageId: string;
}

export interface RenderFile {
  /** Relative to STORAGE_DIR: clients/client_{id}/media/images/… */
  path: string;
  type: string;
  name: string | null;
}

export interface ArchiveView {
  client: { id: number; phone: string; nombre: string | null };
  from: Date;
  to: Date;
  tz?: string;
  messages: RenderMessage[];
  files: Map<string, RenderFile>;
}

const stamp = (d: Date, tz?: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);

const who = (m: RenderMessage, v: ArchiveView) =>
  m.messageDirection === 'inbound' ? (v.client.nombre ?? `+${v.client.phone}`) : m.origin === 'staff_phone' ? 'Equipo' : 'Bot';

/** Path of a stored file relative to the client folder (`media/images/x.jpg`). */
export const inClientFolder = (path: string, clienteId: number) => path.replace(new RegExp(`^clients/client_${clienteId}/`), '');

export function renderTxt(v: ArchiveView): string {
  const head = `Conversación con ${v.client.nombre ?? ''} (+${v.client.phone}) · ${stamp(v.from, v.tz)} → ${stamp(v.to, v.tz)} · ${v.messages.length} mensajes\n\n`;
  return (
    head +
    v.messages
      .map((m) => {
        const file = v.files.get(m.messageId);
        const media = file ? ` [${file.type}: ${inClientFolder(file.path, v.client.id)}]` : '';
        return `[${stamp(m.date, v.tz)}] ${who(m, v)}: ${m.body ?? (m.messageType === 'text' ? '' : `(${m.messageType})`)}${media}`;
      })
      .join('\n') +
    '\n'
  );
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The archive file sits in `archives/`, so media are linked as `../media/images/…`: relative to
 * the client folder, valid both on disk and inside a backup zip, which keeps the same layout.
 */
export function renderHtml(v: ArchiveView): string {
  const rows = v.messages.map((m) => {
    const file = v.files.get(m.messageId);
    const href = file ? esc(`../${inClientFolder(file.path, v.client.id)}`) : '';
    const media = !file ? '' : file.type === 'image' ? `<br><img src="${href}" alt="${esc(file.name ?? 'imagen')}" style="max-width:320px">` : `<br><a href="${href}">${esc(file.name ?? file.type)}</a>`;
    return `<div class="m ${m.messageDirection}"><time>${esc(stamp(m.date, v.tz))}</time> <b>${esc(who(m, v))}</b><p>${esc(m.body ?? `(${m.messageType})`).replace(/\n/g, '<br>')}${media}</p></div>`;
  });
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Conversación ${esc(`+${v.client.phone}`)}</title>
<style>body{font-family:sans-serif;max-width:760px;margin:auto}.m{margin:6px 0;padding:6px 10px;border-radius:8px}.inbound{background:#f1f1f1}.outbound{background:#dcf8c6;margin-left:60px}time{color:#777;font-size:.8em}p{margin:4px 0}</style></head>
<body><h1>Conversación con ${esc(v.client.nombre ?? '')} (+${esc(v.client.phone)})</h1><p>${esc(stamp(v.from, v.tz))} → ${esc(stamp(v.to, v.tz))} · ${v.messages.length} mensajes</p>
${rows.join('\n')}
</body></html>
`;
}
