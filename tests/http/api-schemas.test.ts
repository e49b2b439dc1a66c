import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/**
 * Every /api route declares its schemas: they validate every input (params, query, body) with a
 * Spanish 400 naming the field and what it expects, and they produce the OpenAPI document.
 */

let srv: TestServer;
let admin: string;
beforeAll(async () => {
  srv = await startTestServer();
  admin = (await loginAs(srv, '34600000502', 'admin')).token;
});
afterAll(() => srv.close());

const Z = '00000000-0000-4000-8000-000000000000';

/** Every /api operation the issue asks for (plus login and me), as OpenAPI names them. */
const OPERATIONS = [
  'get /api/campaigns', 'post /api/campaigns', 'get /api/campaigns/{id}', 'patch /api/campaigns/{id}',
  'post /api/campaigns/{id}/schedule', 'post /api/campaigns/{id}/pause', 'post /api/campaigns/{id}/cancel',
  'get /api/templates', 'get /api/templates/{id}', 'post /api/templates', 'patch /api/templates/{id}', 'post /api/templates/{id}/submit', 'post /api/templates/sync', 'get /api/segments', 'get /api/segments/{id}/members',
  'get /api/clients/{phone}', 'get /api/clients/{phone}/files', 'put /api/clients/{phone}/consent', 'get /api/reports', 'get /api/reports/{id}/download',
  'get /api/files/{fileId}', 'post /api/pedidos', 'post /api/reports', 'post /api/auth/login', 'get /api/auth/me',
  'post /api/clients/{phone}/archives', 'post /api/archives/{archiveId}/restore', 'get /api/archives/{archiveId}/download',
  'post /api/clients/{phone}/backups', 'get /api/clients/{phone}/file-access', 'post /api/clients/{phone}/export', 'post /api/clients/{phone}/erase',
].sort();

describe('OpenAPI document at /docs/json', () => {
  it('lists every /api route with its parameters, body, responses and security', async () => {
    const doc = (await srv.app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, {
        parameters?: Array<{ in: string; name: string; schema: unknown; required?: boolean }>;
        requestBody?: { content: Record<string, { schema: { type: string } }> };
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
        security?: unknown;
        summary?: string;
      }>>;
      components: { schemas: Record<string, unknown> };
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)).filter((o) => o.split(' ')[1]!.startsWith('/api/'));
    expect(ops.sort()).toEqual(OPERATIONS);
    for (const op of ops) {
      const [method, path] = op.split(' ') as [string, string];
      const spec = doc.paths[path]![method]!;
      expect(spec.summary, op).toMatch(/\w/);
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        expect(spec.parameters?.find((p) => p.in === 'path' && p.name === name), `${op}: path parameter ${name}`).toMatchObject({ required: true, schema: expect.any(Object) });
      }
      if (method === 'post' || method === 'patch' || method === 'put') expect(spec.requestBody?.content['application/json']?.schema.type, `${op}: body schema`).toBe('object');
      const ok = spec.responses['200'] ?? spec.responses['201'];
      expect(ok, `${op}: success response`).toBeDefined();
      if (path !== '/api/auth/login') {
        expect(spec.security, op).toEqual([{ bearerAuth: [] }]);
        expect(JSON.stringify(spec.responses['401']), `${op}: 401 documented`).toContain('ApiError');
      }
      if (!path.startsWith('/api/auth/')) expect(JSON.stringify(spec.responses['400']), `${op}: 400 documented`).toContain('ApiError');
    }
    // List routes document their filters.
    const names = (op: string) => (doc.paths[op.split(' ')[1]!]![op.split(' ')[0]!]!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(names('get /api/campaigns')).toEqual(['limit', 'offset', 'status']);
    expect(names('get /api/segments/{id}/members')).toEqual(['include_inactive', 'limit', 'offset']);
    expect(names('get /api/reports')).toEqual(['limit', 'offset', 'phone', 'type']);
    expect(doc.components.schemas.ApiError).toBeDefined();
  });
});

describe('validation of every /api route', () => {
  const cases: Array<{ method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown; detail: RegExp }> = [
    { method: 'GET', url: '/api/campaigns?limit=abc', detail: /el campo "limit" \(querystring\) debe ser un número entero/ },
    { method: 'GET', url: '/api/campaigns?estado=activa', detail: /el campo "estado" no está permitido \(querystring\)/ },
    { method: 'POST', url: '/api/campaigns', payload: { campaign_name: { es: 'x' }, campaign_type: 'broadcast' }, detail: /el campo "campaign_name" \(body\) debe ser texto/ },
    { method: 'POST', url: '/api/campaigns', payload: { campaign_name: 'x', campaign_type: 'broadcast', start_date: 'mañana' }, detail: /"start_date" \(body\) debe ser una fecha y hora ISO 8601/ },
    { method: 'GET', url: '/api/campaigns/123', detail: /el campo "id" \(params\) debe ser un UUID/ },
    { method: 'PATCH', url: `/api/campaigns/${Z}`, payload: {}, detail: /el cuerpo debe incluir al menos 1 campo/ },
    // Scalars are coerced as Fastify does (20261201 → "20261201"), then checked as a date-time.
    { method: 'POST', url: `/api/campaigns/${Z}/schedule`, payload: { start_date: 20261201 }, detail: /"start_date" \(body\) debe ser una fecha y hora ISO 8601/ },
    { method: 'POST', url: `/api/campaigns/${Z}/schedule`, payload: { start_date: ['2026-12-01T10:00:00Z', 'x'] }, detail: /"start_date" \(body\) debe ser texto o null/ },
    { method: 'POST', url: `/api/campaigns/${Z}/pause`, payload: { motivo: 'x' }, detail: /el campo "motivo" no está permitido \(body\)/ },
    { method: 'POST', url: `/api/campaigns/${Z}/cancel?force=1`, payload: {}, detail: /el campo "force" no está permitido \(querystring\)/ },
    { method: 'GET', url: '/api/templates?status=vigente', detail: /"status" \(querystring\) debe ser uno de: draft, / },
    { method: 'GET', url: `/api/templates/${Z}?lang=es`, detail: /"lang" no está permitido/ },
    { method: 'GET', url: '/api/segments?active=quizas', detail: /"active" \(querystring\) debe ser true o false/ },
    { method: 'GET', url: `/api/segments/${Z}/members?offset=-1`, detail: /"offset" \(querystring\) debe ser como mínimo 0/ },
    { method: 'GET', url: '/api/clients/123', detail: /"phone" \(params\) debe tener al menos 6 caracteres/ },
    { method: 'GET', url: '/api/clients/34600000001/files?limit=0', detail: /"limit" \(querystring\) debe ser como mínimo 1/ },
    { method: 'GET', url: '/api/reports?type=semanal', detail: /"type" \(querystring\) debe ser uno de: / },
    { method: 'GET', url: '/api/reports/informe-1/download', detail: /"id" \(params\) debe ser un UUID/ },
    { method: 'GET', url: '/api/files/..%2F..%2Fetc%2Fpasswd', detail: /"fileId" \(params\) debe ser un UUID/ },
    { method: 'POST', url: '/api/pedidos', payload: { phone: '34600000001', total: {} }, detail: /el campo "total" \(body\) debe ser texto o un número/ },
    { method: 'POST', url: '/api/pedidos', payload: { phone: '34600000001', total: '1', currency: 'euro' }, detail: /"currency" \(body\) no tiene el formato esperado/ },
    { method: 'POST', url: '/api/pedidos', detail: /el cuerpo debe ser un objeto JSON/ },
  ];

  it('answers 400 VALIDATION_ERROR in Spanish, naming the field and what it expects', async () => {
    for (const c of cases) {
      const res = await srv.app.inject({ method: c.method, url: c.url, payload: c.payload as never, headers: bearer(admin) });
      const label = `${c.method} ${c.url} ${JSON.stringify(c.payload)}: ${res.body}`;
      expect(res.statusCode, label).toBe(400);
      const { code, message } = res.json().error;
      expect(code, label).toBe('VALIDATION_ERROR');
      expect(message, label).toMatch(/^Los datos enviados no son válidos: /);
      expect(message, label).toMatch(c.detail);
      // Nothing of Ajv's English leaks.
      expect(message, label).not.toMatch(/\b(must|should|match|schema|property|NOT)\b/);
    }
  });

  it('checks the token and the permission before reading the body', async () => {
    const anon = await srv.app.inject({ method: 'POST', url: '/api/pedidos', payload: { total: {} } });
    expect(anon.statusCode).toBe(401);
    const viewer = (await loginAs(srv, '34600000506', 'viewer')).token;
    const denied = await srv.app.inject({ method: 'POST', url: '/api/pedidos', payload: { total: {} }, headers: bearer(viewer) });
    expect(denied.statusCode).toBe(403);
  });

  it('takes a bare POST (no body) for pause and cancel', async () => {
    for (const action of ['pause', 'cancel']) {
      const res = await srv.app.inject({ method: 'POST', url: `/api/campaigns/${Z}/${action}`, headers: bearer(admin) });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('CAMPAIGN_NOT_FOUND');
    }
  });
});
