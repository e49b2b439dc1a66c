import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, makeUser } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
let admin: { token: string; userId: number };
let agent: { token: string; userId: number };

beforeAll(async () => {
  srv = await startTestServer();
  admin = await loginAs(srv, '34600000402', 'admin');
  agent = await loginAs(srv, '34600000403', 'agent');
});
afterAll(() => srv.close());

const put = (token: string, phone: string, payload: unknown) =>
  srv.app.inject({ method: 'PUT', url: `/api/clients/${phone}/consent`, payload: payload as never, headers: bearer(token) });
const consentRows = (phone: string) =>
  srv.orm.em.fork().getConnection().execute(
    'select e.action, e.source from consent_events e join usuarios u on u.id = e.cliente_id where u."phoneNumber" = ? order by e.id', [phone],
  );

describe('PUT /api/clients/:phone/consent', () => {
  it('records consent collected elsewhere with its source, audited, and shows it on the client', async () => {
    await makeUser(fork(srv.orm), '34622000011', 'Lola');
    expect((await srv.app.inject({ url: '/api/clients/34622000011', headers: bearer(admin.token) })).json()).toMatchObject({ marketing_consent: 'unknown', marketing_opt_in: false });
    const res = await put(admin.token, '34622000011', { granted: true, source: 'formulario-web' });
    expect(res.json()).toEqual({ changed: true, marketing_consent: 'granted' });
    expect((await put(admin.token, '34622000011', { granted: true, source: 'formulario-web' })).json().changed).toBe(false);
    const client = (await srv.app.inject({ url: '/api/clients/34622000011', headers: bearer(admin.token) })).json();
    expect(client).toMatchObject({ marketing_consent: 'granted', marketing_opt_in: true, consent_source: 'api:formulario-web' });
    expect(client.consent_at).toBeTruthy();
    expect((await put(admin.token, '34622000011', { granted: false, source: 'llamada:soporte' })).json().changed).toBe(true);
    expect(await consentRows('34622000011')).toEqual([
      { action: 'granted', source: 'api:formulario-web' },
      { action: 'revoked', source: 'api:llamada:soporte' },
    ]);
    const audit = await srv.orm.em.fork().getConnection().execute(`select action from audit_log where action like 'clients.consent%' order by id`);
    expect((audit as Array<{ action: string }>).map((a) => a.action)).toEqual(['clients.consent_granted', 'clients.consent_granted', 'clients.consent_revoked']);
  });

  it('refuses a missing or odd source, unknown clients and callers without users.update, in Spanish', async () => {
    await makeUser(fork(srv.orm), '34622000012', 'Pepe');
    const noSource = await put(admin.token, '34622000012', { granted: true });
    expect(noSource.statusCode).toBe(400);
    expect(noSource.json().error.message).toMatch(/source/);
    expect((await put(admin.token, '34622000012', { granted: 'sí', source: 'web' })).statusCode).toBe(400);
    expect((await put(admin.token, '34622000012', { granted: true, source: '<script>' })).statusCode).toBe(400);
    const unknown = await put(admin.token, '34622999999', { granted: true, source: 'formulario-web' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CLIENT_NOT_FOUND');
    expect((await put(agent.token, '34622000012', { granted: true, source: 'formulario-web' })).statusCode).toBe(403);
  });
});
