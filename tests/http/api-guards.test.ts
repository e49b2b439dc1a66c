import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/** Every /api route: JWT required (missing, malformed, forged, expired → 401), permission checked (403). */

let srv: TestServer;
let viewer: string;
let admin: string;
let customer: string;

const ZERO = '00000000-0000-4000-8000-000000000000';
const ROUTES: Array<{ method: 'GET' | 'POST' | 'PATCH'; url: string; perm: string; payload?: unknown }> = [
  { method: 'GET', url: '/api/campaigns', perm: 'campaigns.read' },
  { method: 'GET', url: `/api/campaigns/${ZERO}`, perm: 'campaigns.read' },
  { method: 'POST', url: '/api/campaigns', perm: 'campaigns.create', payload: { campaign_name: 'x', campaign_type: 'broadcast' } },
  { method: 'PATCH', url: `/api/campaigns/${ZERO}`, perm: 'campaigns.create', payload: { campaign_name: 'y' } },
  { method: 'POST', url: `/api/campaigns/${ZERO}/schedule`, perm: 'campaigns.send', payload: {} },
  { method: 'POST', url: `/api/campaigns/${ZERO}/pause`, perm: 'campaigns.send', payload: {} },
  { method: 'POST', url: `/api/campaigns/${ZERO}/cancel`, perm: 'campaigns.send', payload: {} },
  { method: 'GET', url: '/api/templates', perm: 'templates.read' },
  { method: 'GET', url: `/api/templates/${ZERO}`, perm: 'templates.read' },
  { method: 'POST', url: '/api/templates', perm: 'templates.manage', payload: { name: 'x', category: 'marketing', body: 'Hola' } },
  { method: 'PATCH', url: `/api/templates/${ZERO}`, perm: 'templates.manage', payload: { reason: 'x' } },
  { method: 'POST', url: `/api/templates/${ZERO}/submit`, perm: 'templates.manage', payload: {} },
  { method: 'GET', url: '/api/segments', perm: 'segments.read' },
  { method: 'GET', url: `/api/segments/${ZERO}/members`, perm: 'segments.read' },
  { method: 'GET', url: '/api/clients/34600000001', perm: 'clients.read' },
  { method: 'GET', url: '/api/clients/34600000001/files', perm: 'clients.read' },
  { method: 'GET', url: '/api/reports', perm: 'reports.view' },
  { method: 'GET', url: `/api/reports/${ZERO}/download`, perm: 'reports.view' },
  { method: 'GET', url: `/api/files/${ZERO}`, perm: 'files.download' },
  { method: 'POST', url: '/api/pedidos', perm: 'orders.create', payload: { phone: '34600000001', total: '1.00' } },
];

beforeAll(async () => {
  srv = await startTestServer();
  viewer = (await loginAs(srv, '34600000106', 'viewer')).token;
  admin = (await loginAs(srv, '34600000102', 'admin')).token;
  customer = (await loginAs(srv, '34600000199', 'client').catch(() => ({ token: '' }))).token;
});
afterAll(() => srv.close());

const call = (r: (typeof ROUTES)[number], headers: Record<string, string> = {}) =>
  srv.app.inject({ method: r.method, url: r.url, payload: r.payload as never, headers });

describe('/api authentication', () => {
  it('answers 401 without a token on every route', async () => {
    for (const r of ROUTES) {
      const res = await call(r);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
      expect(res.json().error.message).toMatch(/\w/);
    }
  });

  it('answers 401 for a malformed or forged token', async () => {
    const [, payload] = admin.split('.');
    const forged = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.c2lnbmF0dXJhLWZhbHNh`;
    for (const token of ['not-a-jwt', forged]) {
      const res = await call(ROUTES[0], bearer(token));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('INVALID_TOKEN');
    }
  });

  it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = srv.app.jwt.sign({ sub: '1', phone: '34600000102', role: 'admin', iat: past - 60, exp: past });
    const res = await call(ROUTES[0], bearer(expired));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('customers cannot log in at all', () => {
    expect(customer).toBe('');
  });
});

describe('/api permissions', () => {
  it('answers 403 with a Spanish message when the role lacks the permission', async () => {
    for (const r of ROUTES.filter((x) => x.perm !== 'campaigns.read' && x.perm !== 'reports.view')) {
      const res = await call(r, bearer(viewer));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('permiso') });
    }
  });

  it('lets a viewer read campaigns and an admin do everything', async () => {
    expect((await call(ROUTES[0], bearer(viewer))).statusCode).toBe(200);
    for (const r of ROUTES) {
      const res = await call(r, bearer(admin));
      expect([200, 201, 404], `${r.method} ${r.url}: ${res.body}`).toContain(res.statusCode);
    }
  });
});

describe('/api validation', () => {
  it('answers 400 VALIDATION_ERROR naming the field and what is expected', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/campaigns', { campaign_type: 'broadcast' }, /campaign_name/],
      ['POST', '/api/campaigns', { campaign_name: 'x', campaign_type: 'spam' }, /broadcast, drip/],
      ['POST', '/api/campaigns', { campaign_name: 'x', campaign_type: 'broadcast', extra: 1 }, /extra/],
      ['GET', '/api/campaigns/not-a-uuid', undefined, /UUID/],
      ['GET', '/api/campaigns?limit=100000', undefined, /500/],
      ['POST', '/api/pedidos', { phone: '34600000001' }, /total/],
    ];
    for (const [method, url, payload, detail] of cases) {
      const res = await srv.app.inject({ method: method as 'GET', url, payload: payload as never, headers: bearer(admin) });
      expect(res.statusCode, url).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('VALIDATION_ERROR');
      expect(err.message).toMatch(/^Los datos enviados no son válidos/);
      expect(err.message).toMatch(detail);
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await srv.app.inject({ method: 'POST', url: '/api/pedidos', payload: '{"phone":', headers: { ...bearer(admin), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });
});
