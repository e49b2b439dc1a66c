import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Graph API stand-in of the templates tests (message_templates edge, Resumable Upload API,
 * injectable Meta errors); tests/helpers/mock-graph.ts is the messaging one. A Graph API stand-in on 127.0.0.1 (tests never reach the network): media info + bytes, message
 * sends and uploads, the WABA's `message_templates` edge (cursor paging with `paging.next`,
 * create/edit/delete with Meta's error bodies) and the Resumable Upload API
 * (`POST /{app-id}/uploads` → `{id: "upload:…"}`, then `POST /upload:…` with
 * `Authorization: OAuth <token>` and `file_offset: 0` → `{h}`), with bearer-token checks and
 * injectable failures (429/5xx or any Meta error body) for retry tests.
 */

export interface MockTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
  rejected_reason?: string;
}

export interface MockGraph {
  baseUrl: string;
  token: string;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined> }>;
  /** Templates in the mock WABA, in creation order. */
  templates: MockTemplate[];
  addTemplate(t: Partial<MockTemplate> & { name: string }): MockTemplate;
  /** Uploaded example files by handle. */
  uploads: Map<string, { bytes: Buffer; type: string; name: string }>;
  /** The next `times` requests whose path starts with `prefix` answer `status` with this Meta error. */
  failWith(prefix: string, status: number, error: Record<string, unknown>, times?: number): void;
  /** The token changes: requests with the old one get Meta's code 190 (expired). */
  rotateToken(next: string): void;
  /** Registers media bytes under an id; returns their hex SHA-256. */
  addMedia(id: string, bytes: Buffer, mime: string): string;
  /** The next `times` requests whose path starts with `prefix` get `status`. */
  failNext(prefix: string, status: number, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startMockGraph(token = 'test-access-token'): Promise<MockGraph> {
  const media = new Map<string, { bytes: Buffer; mime: string; sha: string }>();
  const failures: Array<{ prefix: string; status: number; left: number; headers: Record<string, string>; error?: Record<string, unknown> }> = [];
  const templates: MockTemplate[] = [];
  const sessions = new Map<string, { length: number; type: string; name: string }>();
  const uploads: MockGraph['uploads'] = new Map();
  let current = token;
  let nextId = 1000;
  const addTemplate = (t: Partial<MockTemplate> & { name: string }): MockTemplate => {
    const tpl: MockTemplate = { id: String(++nextId), language: 'es', status: 'APPROVED', category: 'UTILITY', components: [], ...t };
    templates.push(tpl);
    return tpl;
  };
  const requests: MockGraph['requests'] = [];
  let baseUrl = '';

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    requests.push({ method: req.method ?? 'GET', path, auth: req.headers.authorization, body, query, headers: req.headers });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    const fail = failures.find((f) => f.left > 0 && path.startsWith(f.prefix));
    if (fail) {
      fail.left--;
      return json(fail.status, { error: fail.error ?? { message: `injected ${fail.status}`, code: fail.status === 429 ? 130429 : 1 } }, fail.headers);
    }
    // Resumable uploads authenticate with `OAuth <token>`; everything else with a bearer token.
    const oauth = /^\/[^/]+\/upload:[^/]+$/.test(path);
    if (req.headers.authorization !== `${oauth ? 'OAuth' : 'Bearer'} ${current}`) {
      return json(401, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } });
    }
    const handled = routeTemplates(req.method ?? 'GET', path, query, raw, json);
    if (handled) return;
    const bytesMatch = /^\/media-bytes\/(.+)$/.exec(path);
    if (bytesMatch) {
      const m = media.get(decodeURIComponent(bytesMatch[1]));
      if (!m) return json(404, { error: { message: 'no such media', code: 100 } });
      res.writeHead(200, { 'content-type': m.mime, 'content-length': String(m.bytes.length) });
      return res.end(m.bytes);
    }
    const sendMatch = /^\/[^/]+\/(\d+)\/messages$/.exec(path);
    if (req.method === 'POST' && sendMatch) {
      const to = (JSON.parse(body || '{}') as { to?: string }).to ?? '';
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.OUT${randomBytes(8).toString('hex')}` }] });
    }
    if (req.method === 'POST' && /^\/[^/]+\/(\d+)\/media$/.test(path)) return json(200, { id: `up_${randomBytes(4).toString('hex')}` });
    const infoMatch = /^\/[^/]+\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && infoMatch) {
      const id = decodeURIComponent(infoMatch[1]);
      const m = media.get(id);
      if (!m) return json(404, { error: { message: `Unsupported get request. Object with ID '${id}' does not exist`, code: 100 } });
      return json(200, { messaging_product: 'whatsapp', url: `${baseUrl.replace(/\/v\d+\.\d+$/, '')}/media-bytes/${encodeURIComponent(id)}`, mime_type: m.mime, sha256: m.sha, file_size: m.bytes.length, id });
    }
    return json(404, { error: { message: 'unknown path', code: 100 } });
  });

  /** The message_templates edge and the Resumable Upload API, as Meta documents them. */
  function routeTemplates(method: string, path: string, query: Record<string, string>, raw: Buffer, json: (s: number, d: unknown) => void): boolean {
    const body = raw.toString('utf8');
    const edge = /^\/[^/]+\/(\d+)\/message_templates$/.exec(path);
    const data = () => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    const invalid = (message: string, extra: Record<string, unknown> = {}) =>
      json(400, { error: { message: `(#100) ${message}`, type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: message }, ...extra } });
    if (edge && method === 'GET') {
      const limit = Math.min(Number(query.limit ?? 25) || 25, 100);
      const start = query.after ? Number(Buffer.from(query.after, 'base64').toString('utf8')) : 0;
      const page = templates.slice(start, start + limit);
      const end = start + page.length;
      const after = Buffer.from(String(end)).toString('base64');
      const paging: Record<string, unknown> = { cursors: { before: Buffer.from(String(start)).toString('base64'), after } };
      if (end < templates.length) paging.next = `${baseUrl}${path.replace(/^\/[^/]+/, '')}?limit=${limit}&after=${encodeURIComponent(after)}`;
      json(200, { data: page, paging });
      return true;
    }
    if (edge && method === 'POST') {
      const d = data() as { name?: string; language?: string; category?: string; components?: unknown[] };
      if (!d.name || !/^[a-z0-9_]+$/.test(d.name)) return invalid('Invalid parameter'), true;
      if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(String(d.category))) return invalid('Invalid parameter: category'), true;
      if (templates.some((x) => x.name === d.name && x.language === d.language)) {
        return invalid('Message template already exists', { error_subcode: 2388024, error_user_msg: 'Ya existe contenido en este idioma.' }), true;
      }
      const tpl = addTemplate({ name: d.name, language: String(d.language), category: String(d.category), status: 'PENDING', components: d.components ?? [] });
      json(200, { id: tpl.id, status: tpl.status, category: tpl.category });
      return true;
    }
    if (edge && method === 'DELETE') {
      const i = templates.findIndex((x) => x.name === query.name && (!query.hsm_id || x.id === query.hsm_id));
      if (i < 0) return json(404, { error: { message: '(#100) Template does not exist', code: 100 } }), true;
      templates.splice(i, 1);
      json(200, { success: true });
      return true;
    }
    const one = /^\/[^/]+\/(\d+)$/.exec(path);
    if (one && method === 'POST') {
      const tpl = templates.find((x) => x.id === one[1]);
      if (!tpl) return false;
      const d = data() as { components?: unknown[]; category?: string };
      if (d.components) tpl.components = d.components;
      if (d.category) tpl.category = d.category;
      tpl.status = 'PENDING';
      json(200, { success: true });
      return true;
    }
    const start = /^\/[^/]+\/(\d+)\/uploads$/.exec(path);
    if (start && method === 'POST') {
      const length = Number(query.file_length);
      if (!query.file_type || !Number.isInteger(length) || length <= 0) return invalid('file_length and file_type are required'), true;
      const id = `upload:${randomBytes(6).toString('hex')}`;
      sessions.set(id, { length, type: query.file_type, name: query.file_name ?? '' });
      json(200, { id });
      return true;
    }
    const upload = /^\/[^/]+\/(upload:[^/]+)$/.exec(path);
    if (upload && method === 'POST') {
      const session = sessions.get(upload[1]!);
      if (!session) return invalid('Invalid upload session'), true;
      if (String(requests.at(-1)?.headers.file_offset) !== '0') return invalid('file_offset is required'), true;
      const bytes = Buffer.from(raw);
      if (bytes.length !== session.length) return invalid('file_length does not match the bytes sent'), true;
      const h = `4::${Buffer.from(upload[1]!).toString('base64')}`;
      uploads.set(h, { bytes, type: session.type, name: session.name });
      json(200, { h });
      return true;
    }
    return false;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/v21.0`;
  return {
    baseUrl,
    token,
    requests,
    addMedia(id, bytes, mime) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      media.set(id, { bytes, mime, sha });
      return sha;
    },
    failNext(prefix, status, times = 1, headers = {}) {
      failures.push({ prefix, status, left: times, headers });
    },
    templates,
    addTemplate,
    uploads,
    failWith(prefix, status, error, times = 1) {
      failures.push({ prefix, status, left: times, headers: {}, error });
    },
    rotateToken(next) {
      current = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
