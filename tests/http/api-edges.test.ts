import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../src/http/errors.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/**
 * Edges a fuzzing newcomer found: numbers too large for the database, path parameters too long
 * for the router, requests the HTTP parser refuses. Every answer is the one error shape, in
 * Spanish, never a 500 and never Fastify's own English body.
 */

let srv: TestServer;
let admin: string;
beforeAll(async () => {
  srv = await startTestServer();
  admin = (await loginAs(srv, '34600000702', 'admin')).token;
});
afterAll(() => srv.close());

const Z = '00000000-0000-4000-8000-000000000000';

type Param = { in: string; name: string; schema: { type?: string | string[]; maximum?: number; anyOf?: Array<{ type?: string; maximum?: number }> } };
type Doc = { paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, Param['schema']> } }> } }>> };

const isNumeric = (s: { type?: string | string[] }) => [s.type].flat().some((t) => t === 'integer' || t === 'number');

function expectSpanishError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/[áéíóúñ¿¡]|\b(La|El|Un|No|Ese|Las)\b/);
  expect(body.error.message).not.toMatch(/\b(exceeding|is not a valid|Bad Request|Client Error|must)\b/);
}

describe('numeric parameters', () => {
  it('every numeric query, path and body parameter of the OpenAPI document has a maximum', async () => {
    const doc = (await srv.app.inject({ url: '/docs/json' })).json() as Doc;
    const numeric: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const p of op.parameters ?? []) {
          if (!isNumeric(p.schema)) continue;
          numeric.push(`${method} ${path} ${p.in}.${p.name}`);
          expect(p.schema.maximum, `${method} ${path} ${p.in}.${p.name}`).toBeTypeOf('number');
        }
        for (const [name, schema] of Object.entries(op.requestBody?.content['application/json']?.schema.properties ?? {})) {
          for (const branch of [schema, ...(schema.anyOf ?? [])]) {
            if (!isNumeric(branch)) continue;
            numeric.push(`${method} ${path} body.${name}`);
            expect(branch.maximum, `${method} ${path} body.${name}`).toBeTypeOf('number');
          }
        }
      }
    }
    // The walk really saw the list routes' paging and the body numbers.
    expect(numeric).toContain('get /api/campaigns query.offset');
    expect(numeric).toContain('get /api/segments/{id}/members query.offset');
    expect(numeric).toContain('post /api/campaigns body.channel_id');
    expect(numeric).toContain('post /api/pedidos body.total');
  });

  it('a 20-digit offset on every list route is a Spanish 400, not a database error', async () => {
    const doc = (await srv.app.inject({ url: '/docs/json' })).json() as Doc;
    const lists = Object.entries(doc.paths)
      .filter(([, m]) => m.get?.parameters?.some((p) => p.in === 'query' && p.name === 'offset'))
      .map(([path]) => path.replace('{id}', Z).replace('{phone}', '34600000001'));
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const url of lists) {
      for (const q of ['offset=100000000000000000000', 'offset=2147483648', 'limit=100000000000000000000']) {
        const res = await srv.app.inject({ url: `${url}?${q}`, headers: bearer(admin) });
        expectSpanishError(res, 400, 'VALIDATION_ERROR');
        expect(res.json().error.message).toMatch(/como máximo/);
      }
      const ok = await srv.app.inject({ url: `${url}?offset=2147483647`, headers: bearer(admin) });
      expect([200, 404], `${url}: ${ok.body}`).toContain(ok.statusCode);
    }
  });

  it('a huge channel_id in a body is a Spanish 400', async () => {
    const res = await srv.app.inject({
      method: 'POST', url: '/api/campaigns', headers: bearer(admin),
      payload: { campaign_name: 'x', campaign_type: 'broadcast', channel_id: 1e20 },
    });
    expectSpanishError(res, 400, 'VALIDATION_ERROR');
  });
});

describe('framework errors go through the one error handler', () => {
  it('a 5 000-character path parameter answers 414 in the API shape, in Spanish', async () => {
    for (const url of [`/api/campaigns/${'a'.repeat(5000)}`, `/api/clients/${'3'.repeat(5000)}/files`, `/api/files/${'f'.repeat(101)}`]) {
      const res = await srv.app.inject({ url, headers: bearer(admin) });
      expectSpanishError(res, 414, 'URI_TOO_LONG');
    }
    // At the limit the route's own validation answers.
    const atLimit = await srv.app.inject({ url: `/api/files/${'f'.repeat(100)}`, headers: bearer(admin) });
    expectSpanishError(atLimit, 400, 'VALIDATION_ERROR');
  });

  it('a malformed %-escape in the path answers 400 BAD_URL in Spanish', async () => {
    const res = await srv.app.inject({ url: '/api/campaigns/%E0%A4%A', headers: bearer(admin) });
    expectSpanishError(res, 400, 'BAD_URL');
  });

  it('a request the HTTP parser refuses gets the same shape on the wire', async () => {
    await srv.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = srv.app.server.address() as AddressInfo;
    const raw = async (payload: string) =>
      new Promise<string>((resolve, reject) => {
        const sock = connect(port, '127.0.0.1', () => sock.write(payload));
        let data = '';
        sock.on('data', (d) => (data += String(d)));
        sock.on('end', () => resolve(data));
        sock.on('error', reject);
      });
    const bad = await raw('GET /health HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'BAD_REQUEST', message: 'La petición no es válida.' } });
    const huge = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('any other 4xx keeps its status but gets a stable code and a Spanish message, not the thrower\'s English text', async () => {
    const app = Fastify();
    app.setErrorHandler(createErrorHandler(1024));
    app.get('/x/:status', async (req) => {
      const status = Number((req.params as { status: string }).status);
      throw Object.assign(new Error('Method Not Allowed by plugin'), { statusCode: status, code: 'FST_ERR_SOMETHING' });
    });
    for (const [status, code] of [[405, 'METHOD_NOT_ALLOWED'], [406, 'NOT_ACCEPTABLE'], [418, 'BAD_REQUEST']] as const) {
      const res = await app.inject({ url: `/x/${status}` });
      expectSpanishError(res, status, code);
      expect(res.body).not.toContain('plugin');
    }
    await app.close();
  });
});
