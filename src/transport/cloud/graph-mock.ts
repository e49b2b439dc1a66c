import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply } from 'fastify';
import type { AddressInfo } from 'node:net';

/**
 * A Graph API (WhatsApp Cloud API) stand-in on 127.0.0.1, for tests and the chat console
 * (`mariadono chat --platform meta`): nothing reaches Meta. It checks what Meta checks — the
 * version in the path, the bearer token, the phone number id and the request body of
 * `POST /{phone-number-id}/messages` as Meta documents it (text, interactive button/list,
 * template, media, mark-as-read) — and answers with Meta's response and error shapes
 * (`{error:{message,type,code,error_subcode?,fbtrace_id}}`). Media info + bytes, uploads and
 * injectable failures (429/5xx) for retry tests.
 */

export interface MockGraphRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: string;
}

export interface MockGraphSend {
  phoneNumberId: string;
  to: string;
  type: string;
  id: string;
  payload: Record<string, unknown>;
}

export interface MockGraph {
  baseUrl: string;
  token: string;
  version: string;
  requests: MockGraphRequest[];
  /** Every message accepted, in order (text, interactive, template, media). */
  sent: MockGraphSend[];
  /** Message ids marked as read, with the number that marked them. */
  reads: Array<{ phoneNumberId: string; messageId: string }>;
  /** Called with every accepted message (the chat console prints them). */
  onSend?: (s: MockGraphSend) => void;
  addMedia(id: string, bytes: Buffer, mime: string): string;
  failNext(prefix: string, status: number, times?: number, headers?: Record<string, string>): void;
  /** Drops the failures still queued by failNext. */
  clearFailures(): void;
  close(): Promise<void>;
}

export interface MockGraphOptions {
  token?: string;
  version?: string;
  /** Phone number ids that exist (default: any numeric id). */
  phoneNumberIds?: string[];
}

const trace = () => randomBytes(9).toString('base64url');

/** Meta's error body. */
function metaError(reply: FastifyReply, status: number, code: number, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: trace() } });
}

const isStr = (v: unknown, max: number, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The body problems Meta would answer with `(#100) Invalid parameter` / `(#131009)`; null when valid. */
export function checkSendBody(body: Record<string, unknown>): string | null {
  if (body.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') return 'recipient_type must be "individual"';
  if (!isStr(body.to, 20) || !/^\+?\d{6,20}$/.test(body.to)) return 'to must be a phone number';
  switch (body.type ?? 'text') {
    case 'text': {
      const text = obj(body.text);
      return text && isStr(text.body, 4096) ? null : 'text.body is required (1-4096 characters)';
    }
    case 'image':
    case 'document': {
      const media = obj(body[body.type as string]);
      return media && (isStr(media.id, 200) || isStr(media.link, 2000)) ? null : `${String(body.type)}.id or .link is required`;
    }
    case 'template': {
      const tpl = obj(body.template);
      if (!tpl || !isStr(tpl.name, 512)) return 'template.name is required';
      if (!isStr(obj(tpl.language)?.code, 15)) return 'template.language.code is required';
      return tpl.components === undefined || Array.isArray(tpl.components) ? null : 'template.components must be an array';
    }
    case 'interactive':
      return checkInteractive(obj(body.interactive));
    default:
      return `type "${String(body.type)}" is not supported here`;
  }
}

function checkInteractive(it: Record<string, unknown> | null): string | null {
  if (!it) return 'interactive is required';
  const bodyText = obj(it.body)?.text;
  const action = obj(it.action);
  if (!action) return 'interactive.action is required';
  if (it.footer !== undefined && !isStr(obj(it.footer)?.text, 60)) return 'footer.text must be 1-60 characters';
  if (it.type === 'button') {
    if (!isStr(bodyText, 1024)) return 'body.text is required (1-1024 characters)';
    const buttons = Array.isArray(action.buttons) ? action.buttons : [];
    if (buttons.length < 1 || buttons.length > 3) return 'action.buttons must have 1-3 buttons';
    const ids = new Set<string>();
    const titles = new Set<string>();
    for (const b of buttons) {
      const reply = obj(obj(b)?.reply);
      if (obj(b)?.type !== 'reply' || !reply) return 'each button is {type:"reply", reply:{id,title}}';
      if (!isStr(reply.id, 256) || !isStr(reply.title, 20)) return 'button id (1-256) and title (1-20 characters) are required';
      if (ids.has(reply.id) || titles.has(reply.title)) return 'button ids and titles must be unique';
      ids.add(reply.id);
      titles.add(reply.title);
    }
    return null;
  }
  if (it.type === 'list') {
    if (!isStr(bodyText, 4096)) return 'body.text is required (1-4096 characters)';
    if (!isStr(action.button, 20)) return 'action.button is required (1-20 characters)';
    const sections = Array.isArray(action.sections) ? action.sections : [];
    if (sections.length < 1 || sections.length > 10) return 'action.sections must have 1-10 sections';
    let rows = 0;
    for (const s of sections) {
      const list = Array.isArray(obj(s)?.rows) ? (obj(s)!.rows as unknown[]) : [];
      if (sections.length > 1 && !isStr(obj(s)?.title, 24)) return 'section titles are required with several sections (1-24 characters)';
      for (const r of list) {
        const row = obj(r);
        if (!row || !isStr(row.id, 200) || !isStr(row.title, 24)) return 'row id (1-200) and title (1-24 characters) are required';
        if (row.description !== undefined && !isStr(row.description, 72)) return 'row description must be 1-72 characters';
        rows++;
      }
    }
    return rows >= 1 && rows <= 10 ? null : 'a list has 1-10 rows in total';
  }
  return `interactive.type "${String(it.type)}" is not supported here`;
}

export async function startMockGraph(opts: MockGraphOptions | string = {}): Promise<MockGraph> {
  const o = typeof opts === 'string' ? { token: opts } : opts;
  const token = o.token ?? 'test-access-token';
  const version = o.version ?? 'v24.0';
  const media = new Map<string, { bytes: Buffer; mime: string; sha: string }>();
  const failures: Array<{ prefix: string; status: number; left: number; headers: Record<string, string> }> = [];
  const app = Fastify({ logger: false, bodyLimit: 100 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  let baseUrl = '';

  const mock: MockGraph = {
    baseUrl: '',
    token,
    version,
    requests: [],
    sent: [],
    reads: [],
    addMedia(id, bytes, mime) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      media.set(id, { bytes, mime, sha });
      return sha;
    },
    clearFailures() {
      failures.length = 0;
    },
    failNext(prefix, status, times = 1, headers = {}) {
      failures.push({ prefix, status, left: times, headers });
    },
    close: () => app.close(),
  };

  app.all('/*', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    mock.requests.push({ method: req.method, path, auth: req.headers.authorization, body: raw.toString('utf8') });
    const fail = failures.find((f) => f.left > 0 && path.startsWith(f.prefix));
    if (fail) {
      fail.left--;
      reply.headers(fail.headers);
      return metaError(reply, fail.status, fail.status === 429 ? 130429 : 1, `injected ${fail.status}`);
    }
    if (req.headers.authorization !== `Bearer ${token}`) return metaError(reply, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const bytes = /^\/media-bytes\/(.+)$/.exec(path);
    if (bytes) {
      const m = media.get(decodeURIComponent(bytes[1]!));
      if (!m) return metaError(reply, 404, 100, 'no such media');
      return reply.code(200).header('content-type', m.mime).send(m.bytes);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== version) return metaError(reply, 400, 2500, `Unknown path components: /${parts.join('/')} (this mock serves Graph API ${version})`);
    const [, node, edge] = parts;
    if (!node || parts.length > 3) return metaError(reply, 400, 2500, `Unknown path components: ${path}`);
    const numberKnown = (id: string) => /^\d+$/.test(id) && (!o.phoneNumberIds || o.phoneNumberIds.includes(id));

    if (req.method === 'POST' && edge === 'messages') {
      if (!numberKnown(node)) return metaError(reply, 400, 100, `Unsupported post request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 });
      let body: Record<string, unknown>;
      try {
        body = obj(JSON.parse(raw.toString('utf8'))) ?? {};
      } catch {
        return metaError(reply, 400, 100, '(#100) The parameter messaging_product is required.');
      }
      if (body.status === 'read') {
        if (body.messaging_product !== 'whatsapp' || !isStr(body.message_id, 255)) return metaError(reply, 400, 100, '(#100) Invalid parameter', { error_data: { messaging_product: 'whatsapp', details: 'message_id is required' } });
        mock.reads.push({ phoneNumberId: node, messageId: body.message_id });
        return { success: true };
      }
      const problem = checkSendBody(body);
      if (problem) return metaError(reply, 400, 131009, '(#131009) Parameter value is not valid', { error_data: { messaging_product: 'whatsapp', details: problem } });
      const id = `wamid.OUT${randomBytes(10).toString('hex').toUpperCase()}`;
      const to = String(body.to).replace(/^\+/, '');
      const send: MockGraphSend = { phoneNumberId: node, to, type: String(body.type ?? 'text'), id, payload: body };
      mock.sent.push(send);
      mock.onSend?.(send);
      return {
        messaging_product: 'whatsapp',
        contacts: [{ input: String(body.to), wa_id: to }],
        messages: [{ id, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
      };
    }
    if (req.method === 'POST' && edge === 'media') {
      if (!numberKnown(node)) return metaError(reply, 400, 100, `Unsupported post request. Object with ID '${node}' does not exist.`, { error_subcode: 33 });
      return { id: `up_${randomBytes(4).toString('hex')}` };
    }
    if (req.method === 'GET' && !edge) {
      const id = decodeURIComponent(node);
      const m = media.get(id);
      if (!m) return metaError(reply, 400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 });
      return { messaging_product: 'whatsapp', url: `${baseUrl.replace(/\/v\d+\.\d+$/, '')}/media-bytes/${encodeURIComponent(id)}`, mime_type: m.mime, sha256: m.sha, file_size: m.bytes.length, id };
    }
    return metaError(reply, 400, 2500, `Unknown path components: ${path}`);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/${version}`;
  mock.baseUrl = baseUrl;
  return mock;
}
