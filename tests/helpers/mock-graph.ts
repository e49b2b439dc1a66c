import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Graph API stand-in on 127.0.0.1 (tests never reach the network): media info + bytes, message
 * sends and uploads, with bearer-token checks and injectable failures (429/5xx) for retry tests.
 */

export interface MockGraph {
  baseUrl: string;
  token: string;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: string }>;
  /** Registers media bytes under an id; returns their hex SHA-256. */
  addMedia(id: string, bytes: Buffer, mime: string): string;
  /** The next `times` requests whose path starts with `prefix` get `status`. */
  failNext(prefix: string, status: number, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startMockGraph(token = 'test-access-token'): Promise<MockGraph> {
  const media = new Map<string, { bytes: Buffer; mime: string; sha: string }>();
  const failures: Array<{ prefix: string; status: number; left: number; headers: Record<string, string> }> = [];
  const requests: MockGraph['requests'] = [];
  let baseUrl = '';

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = await readBody(req);
    requests.push({ method: req.method ?? 'GET', path, auth: req.headers.authorization, body });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    const fail = failures.find((f) => f.left > 0 && path.startsWith(f.prefix));
    if (fail) {
      fail.left--;
      return json(fail.status, { error: { message: `injected ${fail.status}`, code: fail.status === 429 ? 130429 : 1 } }, fail.headers);
    }
    if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
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
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
