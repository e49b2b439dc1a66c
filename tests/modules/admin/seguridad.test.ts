import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcrypt';
import { makeAdminHarness, seedTeam, PHONES, type AdminHarness } from './harness.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { PendingConfirmation } from '../../../src/modules/identity/pending-confirmation.entity.ts';
import { generateTotpSecret } from '../../../src/modules/admin/totp.ts';
import { adminCommand } from '../../../src/cli/admin.ts';
import { silentLogger } from '../../../src/logger.ts';

describe('/seguridad clave', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await h.grant(PHONES.agent, 'agent');
    await h.grant(PHONES.customer, 'client');
  });
  afterAll(async () => h?.close());

  it('sets a bcrypt password (cost ≥ 10) without echoing it or storing it in the audit log', async () => {
    const password = 'mi "clave" = larga y segura';
    const reply = await h.say(PHONES.agent, `/seguridad clave ${password}`);
    expect(reply).toBe('🔑 Contraseña guardada. Por seguridad, borra el mensaje en el que la escribiste.');
    const user = await h.user(PHONES.agent);
    expect(user!.passwordHash).toMatch(/^\$2[aby]\$1[0-9]\$/);
    expect(Number(user!.passwordHash!.split('$')[2])).toBeGreaterThanOrEqual(10);
    expect(await bcrypt.compare(password, user!.passwordHash!)).toBe(true);
    const audit = await h.audit();
    expect(audit.at(-2)).toMatchObject({ action: 'command.seguridad.clave', outcome: 'allowed', details: { args: { contraseña: '[redactado]' } } });
    expect(JSON.stringify(audit)).not.toContain('larga y segura');
  });

  it('explains the password rules', async () => {
    expect(await h.say(PHONES.agent, '/seguridad clave corta')).toMatch(/^«contraseña» no es válido: la contraseña debe tener al menos 10 caracteres\n\nUso: \/seguridad clave <contraseña>/);
    expect(await h.say(PHONES.agent, `/seguridad clave ${'ñ'.repeat(40)}`)).toMatch(/no puede superar 72 bytes/);
    expect(await h.say(PHONES.agent, '/seguridad clave')).toMatch(/^Falta el argumento «contraseña»/);
    expect(JSON.stringify(await h.audit())).not.toContain('corta');
  });

  it('is not available to customers', async () => {
    expect(await h.say(PHONES.customer, '/seguridad clave unaclavemuylarga')).toMatch(/no tienes permiso/i);
    expect((await h.user(PHONES.customer))!.passwordHash).toBeNull();
  });
});

describe('/seguridad quitar and `mariadono admin totp-reset`: a lost authenticator', () => {
  let h: AdminHarness;
  const codeIn = (reply: string) => /\/confirmar ([A-Z0-9]{6})/.exec(reply)?.[1];
  const enrol = (phone: string) =>
    h.em(async (em) => {
      const u = await em.findOneOrFail(Usuario, { phoneNumber: phone });
      u.totpSecret = generateTotpSecret();
      u.totpEnabledAt = h.clock.now();
      await em.flush();
    });
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const code = await adminCommand(args, { config: h.db.config, logger: silentLogger(), io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
    return { code, out: out.join('\n') };
  };
  beforeAll(async () => {
    h = await makeAdminHarness();
    await seedTeam(h);
  });
  afterAll(async () => h?.close());

  it('lets an admin reset the TOTP of someone at or below their level, after confirmation, audited', async () => {
    await enrol(PHONES.manager);
    // The manager had asked for something that now waits for a code from the lost phone.
    expect(await h.say(PHONES.manager, '/rol asignar +34600000004 viewer')).toMatch(/app de autenticación/);
    const ask = await h.say(PHONES.admin, '/seguridad quitar +34 600 000 003');
    expect(ask).toMatch(/^⚠️ Se quitará la autenticación en dos pasos \(TOTP\) de \+34600000003 \(rol manager\)/);
    expect((await h.user(PHONES.manager))!.totpEnabledAt).not.toBeNull();
    expect(await h.say(PHONES.admin, `/confirmar ${codeIn(ask)}`)).toBe('Hecho: +34600000003 ya no tiene TOTP. Puede activarlo de nuevo con /seguridad totp desde su móvil nuevo.');
    const user = await h.user(PHONES.manager);
    expect([user!.totpSecret, user!.totpEnabledAt, user!.totpLastStep]).toEqual([null, null, null]);
    expect(await h.em((em) => em.count(PendingConfirmation, { usuario: user!.id, status: 'pending' }))).toBe(0);
    const rows = (await h.audit()).filter((r) => r.action === 'command.seguridad.quitar');
    expect(rows.map((r) => [r.outcome, r.actorPhone, r.target])).toEqual([
      ['allowed', PHONES.admin, PHONES.manager],
      ['allowed', PHONES.admin, PHONES.manager],
      ['success', PHONES.admin, PHONES.manager],
    ]);
    // The manager enrols a new phone.
    expect((await h.send(PHONES.manager, '/seguridad totp'))[0]).toMatchObject({ kind: 'image' });
  });

  it('applies the level rules and explains every refusal in Spanish', async () => {
    await enrol(PHONES.superAdmin);
    expect(await h.say(PHONES.admin, '/seguridad quitar +34600000001')).toBe('No puedes modificar a +34600000001: tiene un rol superior al tuyo.');
    expect(await h.say(PHONES.manager, '/seguridad quitar +34600000004')).toMatch(/no tienes permiso para usar \/seguridad quitar/i);
    expect(await h.say(PHONES.admin, '/seguridad quitar +34600000004')).toBe('+34600000004 no tiene activada la autenticación en dos pasos; no hay nada que quitar.');
    expect(await h.say(PHONES.admin, '/seguridad quitar +34611112222')).toBe('No conozco a nadie con el teléfono +34611112222.');
    expect(await h.say(PHONES.admin, '/seguridad quitar hola')).toMatch(/^«telefono» no es válido: «hola» no es un teléfono válido[\s\S]*Uso: \/seguridad quitar <telefono>/);
    expect((await h.user(PHONES.superAdmin))!.totpEnabledAt).not.toBeNull();
    expect(await h.em((em) => em.count(PendingConfirmation, { status: 'pending' }))).toBe(0);
  });

  it('is also a CLI command, for when nobody in the chat may do it (the only super_admin lost their phone)', async () => {
    const { code, out } = await cli(['totp-reset', '+34600000001']);
    expect(code).toBe(0);
    expect(out).toBe('+34600000001 ya no tiene TOTP; puede activarlo de nuevo en el chat con /seguridad totp.');
    expect((await h.user(PHONES.superAdmin))!.totpEnabledAt).toBeNull();
    expect((await h.audit()).at(-1)).toMatchObject({ action: 'cli.admin.totp_reset', outcome: 'success', channel: 'cli', target: PHONES.superAdmin, actorPhone: null });
    expect(await cli(['totp-reset', '+34600000001'])).toEqual({ code: 0, out: '+34600000001 no tiene TOTP activado; no se ha cambiado nada.' });
    expect(await cli(['totp-reset', '+34611112222'])).toEqual({ code: 1, out: 'ningún usuario tiene el teléfono +34611112222; no se ha cambiado nada.' });
    await expect(cli(['totp-reset', 'abc'])).rejects.toThrow(/no es un número con prefijo de país/);
    await expect(cli(['totp-reset'])).rejects.toThrow(/admin totp-reset <teléfono>/);
  });

  it('audits `mariadono admin grant`', async () => {
    expect(await cli(['grant', '+34622223333', 'agent'])).toEqual({ code: 0, out: '+34622223333 ahora tiene el rol agent.' });
    expect((await h.audit()).at(-1)).toMatchObject({ action: 'cli.admin.grant', outcome: 'success', channel: 'cli', target: '34622223333', details: { role: 'agent' } });
    expect((await h.user('34622223333'))!.role!.roleName).toBe('agent');
  });
});
