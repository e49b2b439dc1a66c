import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import Fastify, { type FastifyReply } from 'fastify';
import type { AddressInfo } from 'node:net';

/**
 * A Graph API (WhatsApp Cloud API) stand-in on 127.0.0.1, for tests and the chat console
 * (`mariadono chat --platform meta`): nothing reaches Meta. It checks what Meta checks — the
 * version in the path, the bearer token, the phone number id and the request body of
 * `POST /{phone-number-id}/messages` as Meta documents it (text, interactive button/list,
 * template, media, mark-as-read) — and answers with Meta's response and error shapes
 * (`{error:{message,type,code,error_subcode?,fbtrace_id}}`). Media info + bytes, uploads and
 * injectable failures (429/5xx, or any Meta error body) for retry tests.
 *
 * For the templates it also serves the WABA's `message_templates` edge (cursor paging with
 * `paging.next`, create/edit/delete with Meta's error bodies) and the Resumable Upload API
 * (`POST /{app-id}/uploads` → `{id: "upload:…"}`, then `POST /upload:…` with
 * `Authorization: OAuth <token>` and `file_offset: 0` → `{h}`). `rotateToken` retires the token:
 * requests still carrying it get Meta's code 190 (session expired).
 *
 * One Graph API version is served (`version`, default v24.0, the one META_GRAPH_URL defaults
 * to); a path under another version, or without one, is refused, so a client that drops the
 * configured version is caught. Only the media download URL (`/media-bytes/…`, like Meta's CDN
 * URL) has no version.
 */

export interface MockGraphRequest {
  method: string;
  /** The path as sent (no query string). */
  path: string;
  auth: string | undefined;
  body: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface MockTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
  rejected_reason?: string;
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
  /** The token the mock was started with (rotateToken does not change this field). */
  token: string;
  version: string;
  requests: MockGraphRequest[];
  /** Every message accepted, in order (text, interactive, template, media). */
  sent: MockGraphSend[];
  /** Message ids marked as read, with the number that marked them. */
  reads: Array<{ phoneNumberId: string; messageId: string }>;
  /** Called with every accepted message (the chat console prints them). */
  onSend?: (s: MockGraphSend) => void;
  /** Templates in the mock WABA, in creation order. */
  templates: MockTemplate[];
  addTemplate(t: Partial<MockTemplate> & { name: string }): MockTemplate;
  /** Example files received through the Resumable Upload API, by handle `h`. */
  uploads: Map<string, { bytes: Buffer; type: string; name: string }>;
  /** Registers media bytes under an id; returns their hex SHA-256. */
  addMedia(id: string, bytes: Buffer, mime: string): string;
  /** The next `times` requests whose path starts with `prefix` get `status` (a Meta error body). */
  failNext(prefix: string, status: number, times?: number, headers?: Record<string, string>): void;
  /** The next `times` requests whose path starts with `prefix` answer `status` with this Meta error. */
  failWith(prefix: string, status: number, error: Record<string, unknown>, times?: number): void;
  /** Drops the failures still queued by failNext / failWith. */
  clearFailures(): void;
  /** The accepted token becomes `next`; requests with a retired one get Meta's code 190 (expired). */
  rotateToken(next: string): void;
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
  const failures: Array<{ prefix: string; status: number; left: number; headers: Record<string, string>; error?: Record<string, unknown> }> = [];
  const retired = new Set<string>();
  let current = token;
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
    templates: [],
    uploads: new Map(),
    addTemplate: (t) => edges.add(t),
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
    failWith(prefix, status, error, times = 1) {
      failures.push({ prefix, status, left: times, headers: {}, error });
    },
    rotateToken(next) {
      if (next !== current) retired.add(current);
      retired.delete(next);
      current = next;
    },
    close: () => app.close(),
  };
  const edges = templateEdges(mock, () => baseUrl);

  app.all('/*', async (req, reply) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = req.url.split('?')[0]!;
    const query = Object.fromEntries(url.searchParams);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    mock.requests.push({ method: req.method, path, auth: req.headers.authorization, body: raw.toString('utf8'), query, headers: req.headers });
    const fail = failures.find((f) => f.left > 0 && path.startsWith(f.prefix));
    if (fail) {
      fail.left--;
      reply.headers(fail.headers);
      if (fail.error) return reply.code(fail.status).send({ error: { ...fail.error, fbtrace_id: fail.error.fbtrace_id ?? trace() } });
      return metaError(reply, fail.status, fail.status === 429 ? 130429 : 1, `injected ${fail.status}`);
    }
    // The second step of a resumable upload authenticates with `OAuth <token>`; everything else with a bearer token.
    const scheme = /^\/[^/]+\/upload:[^/]+$/.test(path) ? 'OAuth' : 'Bearer';
    if (req.headers.authorization !== `${scheme} ${current}`) {
      const sent = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (sent && retired.has(sent)) return metaError(reply, 401, 190, 'Error validating access token: Session has expired.', { error_subcode: 463 });
      return metaError(reply, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
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
    const missing = (id: string) =>
      metaError(reply, 400, 100, `Unsupported ${req.method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 });

    if (req.method === 'POST' && edge === 'messages') {
      if (!numberKnown(node)) return missing(node);
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
      if (!numberKnown(node)) return missing(node);
      return { id: `up_${randomBytes(4).toString('hex')}` };
    }
    if (edge === 'message_templates' || edge === 'uploads' || (!edge && req.method === 'POST')) {
      const answer = edges.route({ method: req.method, node, edge, query, raw, headers: req.headers });
      if (answer === 'missing') return missing(node);
      if (answer.error) return metaError(reply, answer.status ?? 400, answer.error.code, answer.error.message, answer.error.extra);
      return answer.ok;
    }
    if (req.method === 'GET' && !edge) {
      const id = decodeURIComponent(node);
      const m = media.get(id);
      if (!m) return missing(id);
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

type EdgeAnswer = { ok: unknown; error?: undefined } | { ok?: undefined; status?: number; error: { code: number; message: string; extra?: Record<string, unknown> } };

/**
 * The WABA's `message_templates` edge, template edits (`POST /{template-id}`) and the Resumable
 * Upload API, as Meta documents them; 'missing' for an object id that does not exist.
 */
function templateEdges(mock: MockGraph, baseUrl: () => string) {
  const sessions = new Map<string, { length: number; type: string; name: string }>();
  let nextId = 1000;
  const ok = (data: unknown): EdgeAnswer => ({ ok: data });
  const invalid = (message: string, extra: Record<string, unknown> = {}): EdgeAnswer => ({
    error: { code: 100, message: `(#100) ${message}`, extra: { error_data: { messaging_product: 'whatsapp', details: message }, ...extra } },
  });
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64');
  const json = (raw: Buffer): Record<string, unknown> | null => {
    try {
      return raw.length ? obj(JSON.parse(raw.toString('utf8'))) : {};
    } catch {
      return null;
    }
  };

  function add(t: Partial<MockTemplate> & { name: string }): MockTemplate {
    const tpl: MockTemplate = { id: String(++nextId), language: 'es', status: 'APPROVED', category: 'UTILITY', components: [], ...t };
    mock.templates.push(tpl);
    return tpl;
  }

  function route(r: { method: string; node: string; edge?: string; query: Record<string, string>; raw: Buffer; headers: IncomingHttpHeaders }): EdgeAnswer | 'missing' {
    const { method, node, edge, query, raw } = r;
    const templates = mock.templates;
    if (edge === 'message_templates' && /^\d+$/.test(node)) {
      if (method === 'GET') {
        const limit = Math.min(Number(query.limit ?? 25) || 25, 100);
        const start = query.after ? Number(Buffer.from(query.after, 'base64').toString('utf8')) || 0 : 0;
        const page = templates.slice(start, start + limit);
        const end = start + page.length;
        const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(end) } };
        // Meta's `next` is the full URL of the following page (same parameters, the `after` cursor).
        if (end < templates.length) paging.next = `${baseUrl()}/${node}/message_templates?${new URLSearchParams({ ...query, limit: String(limit), after: cursor(end) })}`;
        return ok({ data: page, paging });
      }
      if (method === 'POST') {
        const d = (json(raw) ?? {}) as { name?: unknown; language?: unknown; category?: unknown; components?: unknown };
        if (typeof d.name !== 'string' || !/^[a-z0-9_]+$/.test(d.name)) return invalid('Invalid parameter');
        if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(String(d.category))) return invalid('Invalid parameter: category');
        if (templates.some((x) => x.name === d.name && x.language === d.language)) {
          return invalid('Message template already exists', { error_subcode: 2388024, error_user_msg: 'Ya existe contenido en este idioma.' });
        }
        const components = Array.isArray(d.components) ? d.components : [];
        const tpl = add({ name: d.name, language: String(d.language), category: String(d.category), status: 'PENDING', components });
        return ok({ id: tpl.id, status: tpl.status, category: tpl.category });
      }
      if (method === 'DELETE') {
        // By name every language of the template goes; with hsm_id only that one.
        const gone = templates.filter((x) => x.name === query.name && (!query.hsm_id || x.id === query.hsm_id));
        if (!gone.length) return { error: { code: 100, message: '(#100) Template does not exist' } };
        for (const x of gone) templates.splice(templates.indexOf(x), 1);
        return ok({ success: true });
      }
    }
    if (edge === 'uploads' && method === 'POST' && /^\d+$/.test(node)) {
      const length = Number(query.file_length);
      if (!query.file_type || !Number.isInteger(length) || length <= 0) return invalid('file_length and file_type are required');
      const id = `upload:${randomBytes(6).toString('hex')}`;
      sessions.set(id, { length, type: query.file_type, name: query.file_name ?? '' });
      return ok({ id });
    }
    if (!edge && method === 'POST' && node.startsWith('upload:')) {
      const session = sessions.get(decodeURIComponent(node));
      if (!session) return invalid('Invalid upload session');
      if (String(r.headers.file_offset) !== '0') return invalid('file_offset is required');
      if (raw.length !== session.length) return invalid('file_length does not match the bytes sent');
      const h = `4::${Buffer.from(decodeURIComponent(node)).toString('base64')}`;
      mock.uploads.set(h, { bytes: Buffer.from(raw), type: session.type, name: session.name });
      return ok({ h });
    }
    if (!edge && method === 'POST') {
      const tpl = templates.find((x) => x.id === node);
      if (!tpl) return 'missing';
      const d = json(raw) ?? {};
      if (Array.isArray(d.components)) tpl.components = d.components;
      if (typeof d.category === 'string') tpl.category = d.category;
      tpl.status = 'PENDING';
      return ok({ success: true });
    }
    return 'missing';
  }

  return { add, route };
}
