import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildServer } from '../../src/http/server.ts';
import { requirePermission } from '../../src/http/auth.ts';
import { silentLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { withEm } from '../../src/db/orm.ts';
import { grantRole } from '../../src/modules/identity/identity.service.ts';
import { setPassword } from '../../src/modules/identity/auth.service.ts';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { generateTotpSecret, totpCodeAt } from '../../src/modules/admin/totp.ts';

const ADMIN = '34600000002';
const VIEWER = '34600000006';
const CUSTOMER = '34699999999';
const TOTP_USER = '34600000007';
const PASSWORD = 'correct horse battery';

async function setup(env: Record<string, string>) {
  const db = await createTestOrm('sqlite', { env: { JWT_SECRET: 'x'.repeat(40), ...env } });
  const clock = new ManualClock(new Date());
  const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
  const app = await buildServer({ config: db.config, logger: silentLogger(), orm: db.orm, services });
  // A protected sample route, exactly as other /api plugins use the exported guard.
  app.get('/api/test/audit', { preHandler: requirePermission('audit.read') }, async (req) => ({ ok: true, phone: req.caller!.phone }));
  app.get('/api/test/roles', { preHandler: requirePermission('roles.assign') }, async () => ({ ok: true }));
  await app.ready();
  const user = (phone: string, role: string, password = PASSWORD) =>
    withEm(db.orm, async (em) => {
      const u = await grantRole(em, phone, role);
      await setPassword(em, u.id, password, 10);
      return u;
    });
  return { db, clock, services, app, user };
}

describe('HTTP login and API guards', () => {
  let db: TestOrm;
  let app: FastifyInstance;
  let clock: ManualClock;
  let services: Services;
  let totpSecret: string;
  beforeAll(async () => {
    const s = await setup({ AUTH_MAX_FAILED_LOGINS: '3', AUTH_BACKOFF_MAX: '15m', AUTH_RATE_LIMIT: '1000' });
    ({ db, app, clock, services } = s);
    await s.user(ADMIN, 'admin');
    await s.user(VIEWER, 'viewer');
    await s.user(CUSTOMER, 'client');
    const u = await s.user(TOTP_USER, 'manager');
    totpSecret = generateTotpSecret();
    await withEm(db.orm, async (em) => {
      const row = await em.findOneOrFail(Usuario, { id: u.id });
      row.totpSecret = totpSecret;
      row.totpEnabledAt = new Date();
      await em.flush();
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  // Each test logs in from its own address: the throttle counts failures per IP.
  let ip = '127.0.0.1';
  const login = (body: Record<string, unknown>, from = ip) => app.inject({ method: 'POST', url: '/api/auth/login', payload: body, remoteAddress: from });
  const me = (token: string) => app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
  const userRow = (phone: string) => withEm(db.orm, (em) => em.findOneOrFail(Usuario, { phoneNumber: phone }));
  const lastAudit = () => withEm(db.orm, (em) => em.findOneOrFail(AuditLog, { action: { $ne: '' } }, { orderBy: { id: 'desc' } }));

  it('logs in with phone and password, returning a JWT with its expiry, and records the login', async () => {
    const res = await login({ phone: '+34 600 000 002', password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const { token, expiresAt } = res.json();
    const ttl = new Date(expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(12 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3_600_000);
    const who = await me(token);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ phone: ADMIN, role: 'admin', level: 80 });
    expect(who.json().permissions).toContain('audit.read');
    const row = await userRow(ADMIN);
    expect(row.loginCount).toBe(1);
    expect(row.lastLogin).toEqual(clock.now());
    expect(await lastAudit()).toMatchObject({ action: 'auth.login', outcome: 'success', channel: 'http', actorPhone: ADMIN });
  });

  it('answers a wrong password and an unknown phone identically', async () => {
    ip = '10.0.0.1';
    const wrong = await login({ phone: ADMIN, password: 'nope' });
    const unknown = await login({ phone: '34611111111', password: 'nope' });
    const customer = await login({ phone: CUSTOMER, password: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Teléfono o contraseña incorrectos.' } });
    expect(unknown.json()).toEqual(wrong.json());
    expect(customer.json()).toEqual(wrong.json());
    for (const r of [wrong, unknown, customer]) expect(r.headers['retry-after']).toBeUndefined();
    const audited = await withEm(db.orm, (em) => em.find(AuditLog, { action: 'auth.login' }, { orderBy: { id: 'desc' }, limit: 3 }));
    expect(audited.map((r) => (r.details as { reason: string }).reason).sort()).toEqual(['bad_password', 'bad_password', 'unknown_user']);
    // Throttled the same way too: same status, body and Retry-After for a staff phone and an unknown one.
    clock.advance(16 * 60_000);
    const a = [];
    const b = [];
    for (let i = 0; i < 4; i++) a.push(await login({ phone: ADMIN, password: 'nope' }, '10.0.0.2'));
    for (let i = 0; i < 4; i++) b.push(await login({ phone: '34611111111', password: 'nope' }, '10.0.0.3'));
    expect(a.map((r) => r.statusCode)).toEqual([401, 401, 401, 429]);
    expect(b.map((r) => [r.statusCode, r.body, r.headers['retry-after']])).toEqual(a.map((r) => [r.statusCode, r.body, r.headers['retry-after']]));
  });

  it('slows one address exponentially after AUTH_MAX_FAILED_LOGINS failures, without locking the owner out', async () => {
    ip = '10.0.1.1';
    for (let i = 0; i < 3; i++) expect((await login({ phone: VIEWER, password: 'bad' })).statusCode).toBe(401);
    // The right password from the guessing address waits too …
    const refused = await login({ phone: VIEWER, password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error).toEqual({ code: 'LOGIN_THROTTLED', message: 'Demasiados intentos fallidos. Espera 1 segundo y vuelve a intentarlo.' });
    // … while the owner, elsewhere, logs in at once.
    expect((await login({ phone: VIEWER, password: PASSWORD }, '10.0.1.99')).statusCode).toBe(200);
    // Each further failure doubles the wait: 1 s, 2 s, 4 s …
    const waits: string[] = [];
    for (let i = 0; i < 5; i++) {
      const blocked = await login({ phone: VIEWER, password: 'bad' });
      expect(blocked.statusCode).toBe(429);
      waits.push(blocked.headers['retry-after'] as string);
      clock.advance(Number(blocked.headers['retry-after']) * 1000);
      expect((await login({ phone: VIEWER, password: 'bad' })).statusCode).toBe(401);
    }
    expect(waits).toEqual(['1', '2', '4', '8', '16']);
    expect((await login({ phone: VIEWER, password: 'bad' })).json().error.message).toBe('Demasiados intentos fallidos. Espera 32 segundos y vuelve a intentarlo.');
    // Capped at AUTH_BACKOFF_MAX, and a quiet AUTH_FAILURE_WINDOW forgets everything.
    for (let i = 0; i < 6; i++) {
      clock.advance(Number((await login({ phone: VIEWER, password: 'bad' })).headers['retry-after']) * 1000);
      await login({ phone: VIEWER, password: 'bad' });
    }
    const capped = await login({ phone: VIEWER, password: PASSWORD });
    expect(capped.headers['retry-after']).toBe(String(15 * 60));
    expect(capped.json().error.message).toMatch(/Espera 15 minutos/);
    clock.advance(15 * 60_000 + 1);
    expect((await login({ phone: VIEWER, password: PASSWORD })).statusCode).toBe(200);
    expect((await login({ phone: VIEWER, password: 'bad' })).statusCode).toBe(401);
    expect((await login({ phone: VIEWER, password: PASSWORD })).statusCode).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: 'auth.login', outcome: 'success' });
  });

  it('under a distributed attack, addresses that failed for a phone wait, a new address (the owner) does not', async () => {
    clock.advance(16 * 60_000);
    const target = ADMIN;
    // 12 = 4 × AUTH_MAX_FAILED_LOGINS failures, one from each of 12 addresses: no address is throttled on its own.
    for (let i = 1; i <= 12; i++) expect((await login({ phone: target, password: 'guess' }, `10.0.2.${i}`)).statusCode).toBe(401);
    expect((await login({ phone: target, password: 'guess' }, '10.0.2.1')).statusCode).toBe(429);
    expect((await login({ phone: target, password: PASSWORD }, '10.0.2.200')).statusCode).toBe(200);
    // Other phones are untouched from those addresses.
    expect((await login({ phone: VIEWER, password: PASSWORD }, '10.0.2.1')).statusCode).toBe(200);
  });

  it('requires the TOTP code once enrolled', async () => {
    ip = '10.0.3.1';
    const none = await login({ phone: TOTP_USER, password: PASSWORD });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('TOTP_REQUIRED');
    expect((await login({ phone: TOTP_USER, password: PASSWORD, totp: '000000' })).json().error.code).toBe('INVALID_CREDENTIALS');
    const code = totpCodeAt(totpSecret, clock.now());
    const ok = await login({ phone: TOTP_USER, password: PASSWORD, totp: code });
    expect(ok.statusCode).toBe(200);
    // The same code again, still inside its 30 s window: refused, counted and audited.
    const replayed = await login({ phone: TOTP_USER, password: PASSWORD, totp: code });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error).toEqual({ code: 'TOTP_REUSED', message: 'Ese código de tu app de autenticación ya se ha usado. Espera al siguiente (cambia cada 30 segundos) y vuelve a intentarlo.' });
    expect(await lastAudit()).toMatchObject({ action: 'auth.login', outcome: 'failure', actorPhone: TOTP_USER, details: { reason: 'totp_reused' } });
    clock.advance(30_000);
    expect((await login({ phone: TOTP_USER, password: PASSWORD, totp: totpCodeAt(totpSecret, clock.now()) })).statusCode).toBe(200);
  });

  it('refuses customers and validates the body in Spanish', async () => {
    const res = await login({ phone: CUSTOMER, password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('NOT_STAFF');
    const bad = await login({ phone: ADMIN });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/falta el campo obligatorio "password"/);
  });

  it('rejects expired, forged, malformed and missing tokens', async () => {
    const admin = await userRow(ADMIN);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = app.jwt.sign({ sub: String(admin.id), phone: ADMIN, role: 'admin', iat: past - 60, exp: past });
    const res = await me(expired);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'TOKEN_EXPIRED', message: 'Tu sesión ha caducado. Vuelve a iniciar sesión.' } });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: String(admin.id), phone: ADMIN, role: 'super_admin', exp: past + 7200 })}`;
    const forged = `${unsigned}.${createHmac('sha256', 'y'.repeat(40)).update(unsigned).digest('base64url')}`;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: String(admin.id), exp: past + 7200 })}.`;
    expect((await me(none)).json().error.code).toBe('INVALID_TOKEN');
    expect((await me(forged)).json().error.code).toBe('INVALID_TOKEN');
    expect((await me('not-a-token')).json().error.code).toBe('INVALID_TOKEN');
    const missing = await app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('UNAUTHORIZED');
  });

  it('checks the same permissions as chat on protected routes and audits refusals', async () => {
    const viewerToken = (await login({ phone: VIEWER, password: PASSWORD })).json().token;
    const denied = await app.inject({ method: 'GET', url: '/api/test/audit', headers: { authorization: `Bearer ${viewerToken}` } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'No tienes permiso para esto (se necesita audit.read).' } });
    expect(await lastAudit()).toMatchObject({ action: 'http.denied', outcome: 'denied', actorPhone: VIEWER, target: 'GET /api/test/audit' });
    const adminToken = (await login({ phone: ADMIN, password: PASSWORD })).json().token;
    const allowed = await app.inject({ method: 'GET', url: '/api/test/audit', headers: { authorization: `Bearer ${adminToken}` } });
    expect(allowed.json()).toEqual({ ok: true, phone: ADMIN });
    // A role change applies to tokens already issued.
    await withEm(db.orm, (em) => grantRole(em, ADMIN, 'viewer'));
    services.rbac!.invalidate();
    expect((await app.inject({ method: 'GET', url: '/api/test/audit', headers: { authorization: `Bearer ${adminToken}` } })).statusCode).toBe(403);
    await withEm(db.orm, async (em) => {
      const u = await em.findOneOrFail(Usuario, { phoneNumber: ADMIN });
      u.accountStatus = 'suspended';
      await em.flush();
    });
    const suspended = await me(adminToken);
    expect(suspended.statusCode).toBe(403);
    expect(suspended.json().error.code).toBe('ACCOUNT_SUSPENDED');
  });
});

describe('chat and HTTP share one identity', () => {
  const MANAGER = '34600000003';
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ AUTH_RATE_LIMIT: '1000', AUTH_MAX_FAILED_LOGINS: '3' });
    await s.user(ADMIN, 'admin');
    await s.user(MANAGER, 'manager');
  });
  afterAll(async () => {
    await s?.app.close();
    await s?.db.cleanup();
  });
  const chat = async (phone: string, text: string) => {
    const replies = await s.services.commands!.handle({ phone, jid: `${phone}@s.whatsapp.net`, text, isGroup: false, now: s.clock.now() });
    return replies.map((r) => (r.kind === 'text' ? r.text : `[${r.kind}]`)).join('\n');
  };
  const login = (body: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/auth/login', payload: body });
  const get = (url: string, token: string) => s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('applies a /rol asignar from the chat to the next request of a token issued before it', async () => {
    const token = (await login({ phone: MANAGER, password: PASSWORD })).json().token;
    expect((await get('/api/test/roles', token)).statusCode).toBe(200);
    // Warm the permission cache with the old role, as a busy server would have it.
    expect((await get('/api/auth/me', token)).json().role).toBe('manager');
    const ask = await chat(ADMIN, `/rol asignar +${MANAGER} viewer`);
    const code = /\/confirmar ([A-Z0-9]{6})/.exec(ask)![1];
    expect(await chat(ADMIN, `/confirmar ${code}`)).toBe(`Hecho: +${MANAGER} ahora tiene el rol *viewer* (antes: manager).`);
    const denied = await get('/api/test/roles', token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect((await get('/api/auth/me', token)).json()).toMatchObject({ role: 'viewer', level: 10 });
    // And a suspension from the chat blocks the token at once.
    const ask2 = await chat(ADMIN, `/usuario suspender +${MANAGER}`);
    await chat(ADMIN, `/confirmar ${/\/confirmar ([A-Z0-9]{6})/.exec(ask2)![1]}`);
    expect((await get('/api/auth/me', token)).json().error.code).toBe('ACCOUNT_SUSPENDED');
  });

  it('spends a TOTP code once across channels: a code used to log in cannot confirm in the chat', async () => {
    const secret = generateTotpSecret();
    await withEm(s.db.orm, async (em) => {
      const row = await em.findOneOrFail(Usuario, { phoneNumber: ADMIN });
      row.totpSecret = secret;
      row.totpEnabledAt = s.clock.now();
      await em.flush();
    });
    const code = totpCodeAt(secret, s.clock.now());
    expect((await login({ phone: ADMIN, password: PASSWORD, totp: code })).statusCode).toBe(200);
    await s.user(VIEWER, 'viewer');
    expect(await chat(ADMIN, `/usuario suspender +${VIEWER}`)).toMatch(/app de autenticación/);
    expect(await chat(ADMIN, `/confirmar ${code}`)).toMatch(/^Ese código de tu app ya se ha usado/);
    expect(await chat(ADMIN, '/cancelar')).toMatch(/^Acción cancelada/);
  });

  it('counts parallel wrong passwords each towards the throttle', async () => {
    const phone = '34600000008';
    await s.user(phone, 'agent');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: 'wrong password' }, remoteAddress: '10.9.9.9' })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([401, 401, 401, 429, 429, 429]);
  });
});

describe('HTTP login rate limit', () => {
  it('answers 429 past AUTH_RATE_LIMIT attempts per minute from one IP', async () => {
    const s = await setup({ AUTH_RATE_LIMIT: '3' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: ADMIN, password: 'x' } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      const limited = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: ADMIN, password: 'x' } });
      expect(limited.json().error.code).toBe('RATE_LIMITED');
      expect(limited.json().error.message).toMatch(/^Demasiadas solicitudes desde tu dirección\. Espera (\d+ segundos|1 minuto) y vuelve a intentarlo\.$/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await s.app.close();
      await s.db.cleanup();
    }
  });
});
