import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { generateTotpSecret, totpCodeAt } from '../../src/modules/admin/totp.ts';
import { fork, makeUser } from '../modules/meta/rows.ts';
import { addMessage } from '../modules/files/fixtures.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/** `/cliente olvidar` over HTTP: clients.erase plus the caller's authenticator code and the phone typed again. */
let srv: TestServer;
let owner: { token: string; userId: number };
let other: { token: string; userId: number };
const PHONE = '34611777888';
const SECRET = generateTotpSecret();

beforeAll(async () => {
  srv = await startTestServer();
  owner = await loginAs(srv, '34600000401', 'super_admin');
  other = await loginAs(srv, '34600000409', 'super_admin');
  const em = fork(srv.orm);
  await em.nativeUpdate(Usuario, { id: owner.userId }, { totpSecret: srv.services.secrets.seal(SECRET), totpEnabledAt: new Date() } as never);
  const u = await makeUser(em, PHONE, 'Clienta Borrable');
  await addMessage(em, u.id, PHONE, { date: new Date(Date.UTC(2026, 9, 5)), body: 'mi teléfono es 34611777888' });
});
afterAll(() => srv.close());

const erase = (token: string, payload: unknown, phone = PHONE) =>
  srv.app.inject({ method: 'POST', url: `/api/clients/${phone}/erase`, headers: bearer(token), payload: payload as never });

describe('POST /api/clients/:phone/erase', () => {
  it('refuses without an enrolled authenticator, with a wrong code, or when the phone is not typed again', async () => {
    const noTotp = await erase(other.token, { confirmar: PHONE, totp: '123456' });
    expect([noTotp.statusCode, noTotp.json().error.code]).toEqual([403, 'TOTP_REQUIRED']);
    const wrong = await erase(owner.token, { confirmar: PHONE, totp: '000000' });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([403, 'TOTP_WRONG']);
    const mismatch = await erase(owner.token, { confirmar: '+34 600 000 000', totp: totpCodeAt(SECRET, new Date()) });
    expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([400, 'CONFIRM_MISMATCH']);
    expect((await erase(owner.token, { confirmar: PHONE })).statusCode).toBe(400);
    const rows = await srv.orm.em.fork().getConnection().execute('select count(*) as n from usuarios where "phoneNumber" = ?', [PHONE]);
    expect(Number(rows[0].n)).toBe(1);
    // Each refused attempt is audited, naming the client by id only.
    const denied = (await srv.orm.em.fork().getConnection().execute("select target, details from audit_log where action = 'clients.erase' and outcome = 'denied' order by id")) as Array<{ target: string; details: unknown }>;
    expect(denied.map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details).reason)).toEqual(['totp_not_enrolled', 'totp_wrong', 'confirm_mismatch']);
    for (const r of denied) expect(`${r.target} ${JSON.stringify(r.details)}`).not.toContain(PHONE);
  });

  it('erases with a valid code through the same service as the chat command, and a code works once', async () => {
    const code = totpCodeAt(SECRET, new Date());
    const ok = await erase(owner.token, { confirmar: `+${PHONE}`, totp: code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().deleted_rows).toBeGreaterThan(0);
    const c = srv.orm.em.fork().getConnection();
    expect(await c.execute('select count(*) as n from usuarios where "phoneNumber" = ?', [PHONE])).toEqual([{ n: 0 }]);
    expect(await c.execute("select count(*) as n from conversations_log where body like '%34611777888%'")).toEqual([{ n: 0 }]);
    const audit = await c.execute("select action, outcome from audit_log where action like 'clients.erase%' order by id desc limit 1");
    expect(audit[0]).toMatchObject({ outcome: 'success' });
  });
});
