import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import { ROLE_MATRIX } from '../../../src/modules/identity/permissions.ts';
import { totpCodeAt } from '../../../src/modules/admin/totp.ts';
import { auditCommand } from '../../../src/cli/audit.ts';
import { silentLogger } from '../../../src/logger.ts';

/**
 * The headline scenarios, end to end through the replay seam: Baileys-shaped messages →
 * the real adapter → ingest → admin router → replies sent on the (replay) socket.
 */

const SUPER = '34600000001';
const ADMIN = '34600000002';
const MANAGER = '34600000003';
const CUSTOMER = '34699999999';

describe('admin commands through the replay transport', () => {
  let h: TestHarness;
  const say = async (phone: string, text: string) => texts(await h.say(phone, text)).join('\n\n');
  const audit = () => rows<{ id: number; action: string; outcome: string; actor_phone: string; details: unknown }>(h, 'select * from audit_log order by id');
  const roleOf = async (phone: string) =>
    (await rows<{ role_name: string }>(h, 'select r.role_name from usuarios u join user_roles r on r.role_id = u.role_id where u."phoneNumber" = ?', [phone]))[0]?.role_name;

  beforeAll(async () => {
    h = await createTestHarness('sqlite', { env: { ADMIN_PHONES: `+${SUPER}` } });
    await withEm(h.orm, async (em) => {
      await grantRole(em, ADMIN, 'admin');
      await grantRole(em, MANAGER, 'manager');
    });
  });
  afterAll(async () => h?.cleanup());

  it("denies a customer's /campana politely and audits the attempt", async () => {
    await say(CUSTOMER, 'hola');
    const reply = await say(CUSTOMER, '/campana');
    expect(reply).toBe('Lo siento, no tienes permiso para usar comandos. Si necesitas ayuda, escríbenos con normalidad y te atenderemos. 🙂');
    const last = (await audit()).at(-1)!;
    expect(last).toMatchObject({ action: 'command.denied', outcome: 'denied', actor_phone: CUSTOMER });
    expect(JSON.parse(String(last.details))).toEqual({ command: 'campana', reason: 'not_staff' });
  });

  it("shows an admin exactly their permitted commands in /ayuda", async () => {
    const reply = await say(ADMIN, '/ayuda');
    const usages = h.services.commands!.registry
      .all()
      .flatMap((d) => h.services.commands!.registry.leaves(d))
      .filter((l) => l.action.permission === null || ROLE_MATRIX.admin.includes(l.action.permission))
      .map((l) => l.action.usage);
    expect(reply.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.slice(2).split(' — ')[0])).toEqual(usages);
  });

  it('does not let a manager grant admin', async () => {
    expect(await say(MANAGER, `/rol asignar +${CUSTOMER} admin`)).toBe('No puedes asignar el rol admin: es superior al tuyo.');
    expect(await roleOf(CUSTOMER)).toBe('client');
    expect((await audit()).at(-1)).toMatchObject({ action: 'command.rol.asignar', outcome: 'denied', actor_phone: MANAGER });
  });

  it('never demotes the last super_admin (bootstrapped from ADMIN_PHONES)', async () => {
    expect(await roleOf(SUPER)).toBe('super_admin');
    expect(await say(SUPER, `/rol asignar +${SUPER} admin`)).toMatch(/último super_admin activo/);
    expect(await roleOf(SUPER)).toBe('super_admin');
  });

  it('runs a sensitive command only after confirmation with a valid TOTP', async () => {
    const enrol = await h.say(ADMIN, '/seguridad totp');
    expect(enrol[0]!.content.image).toBeDefined();
    const [{ totp_secret: sealed }] = await rows<{ totp_secret: string }>(h, 'select totp_secret from usuarios where "phoneNumber" = ?', [ADMIN]);
    // Sealed at rest (AES-256-GCM), never the base32 seed itself.
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    const secret = h.services.secrets.open(sealed);
    const enrolCode = totpCodeAt(secret, h.clock.now());
    expect(await say(ADMIN, `/seguridad totp ${enrolCode}`)).toMatch(/activada/);

    const ask = await say(ADMIN, `/rol asignar +${CUSTOMER} agent`);
    expect(ask).toMatch(/^⚠️ Se asignará el rol \*agent\* a \+34699999999[\s\S]*app de autenticación/);
    expect(await roleOf(CUSTOMER)).toBe('client');
    expect(await say(ADMIN, '/confirmar 000000')).toMatch(/no es correcto\. Intentos restantes: 2/);
    // The activation code is still inside its 30 s window, but a TOTP code is accepted only once.
    expect(await say(ADMIN, `/confirmar ${enrolCode}`)).toMatch(/^Ese código de tu app ya se ha usado[\s\S]*Intentos restantes: 1\.$/);
    expect(await roleOf(CUSTOMER)).toBe('client');
    h.clock.advance(30_000);
    const fresh = totpCodeAt(secret, h.clock.now());
    expect(await say(ADMIN, `/confirmar ${fresh}`)).toBe('Hecho: +34699999999 ahora tiene el rol *agent* (antes: client).');
    expect(await roleOf(CUSTOMER)).toBe('agent');
    // Replaying the code that confirmed does not confirm the next action either.
    await say(ADMIN, `/rol asignar +${CUSTOMER} viewer`);
    expect(await say(ADMIN, `/confirmar ${fresh}`)).toMatch(/^Ese código de tu app ya se ha usado/);
    expect(await say(ADMIN, '/cancelar')).toMatch(/^Acción cancelada/);
    expect(await roleOf(CUSTOMER)).toBe('agent');
  });

  it('reports a long-running command back through the transport', async () => {
    expect(await say(SUPER, '/auditoria verificar')).toMatch(/^Procesando/);
    await h.services.commands!.idle();
    expect(texts(h.sent.slice(-1))[0]).toMatch(/^✅ Registro de auditoría íntegro: \d+ entradas verificadas\.$/);
  });

  it('detects a tampered audit row with `mariadono audit verify`', async () => {
    const target = (await audit()).find((r) => r.action === 'command.denied')!;
    await h.orm.em.fork().getConnection().execute(`update audit_log set outcome = 'allowed' where id = ?`, [target.id]);
    const out: string[] = [];
    const code = await auditCommand(['verify'], { config: h.config, logger: silentLogger(), io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
    expect(code).toBe(1);
    expect(out.join('\n')).toBe(`registro de auditoría ROTO: primer eslabón roto en audit_log id ${target.id}: el contenido no coincide con su hash (la fila fue modificada)`);
  });
});

describe('ADMIN_PHONES at boot', () => {
  it('audits a grant that changes a role, and not a re-confirmation on the next boot', async () => {
    const h = await createTestHarness('sqlite', { env: { ADMIN_PHONES: '+34611111111' } });
    try {
      const grants = () => rows<{ target: string; outcome: string; channel: string }>(h, "select target, outcome, channel from audit_log where action = 'boot.admin_phones.grant'");
      expect(await grants()).toEqual([{ target: '34611111111', outcome: 'success', channel: 'system' }]);
      const { grantAdminPhones } = await import('../../../src/app.ts');
      await grantAdminPhones(h.orm, h.services, h.config, silentLogger());
      expect(await grants()).toHaveLength(1);
    } finally {
      await h.cleanup();
    }
  });
});
