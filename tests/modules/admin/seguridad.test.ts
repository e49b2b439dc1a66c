import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcrypt';
import { makeAdminHarness, PHONES, type AdminHarness } from './harness.ts';

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
