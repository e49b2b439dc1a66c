import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { makeAdminHarness, PHONES, textOf, type AdminHarness } from './harness.ts';
import { PendingConfirmation } from '../../../src/modules/identity/pending-confirmation.entity.ts';
import { totpCodeAt, totpQrPng, totpUri } from '../../../src/modules/admin/totp.ts';
import { createCommandRouter } from '../../../src/modules/admin/router.ts';
import { createRegistry } from '../../../src/modules/admin/registry.ts';
import { commandDefs } from '../../../src/modules/admin/commands/index.ts';
import { createServices } from '../../../src/services.ts';
import { silentLogger } from '../../../src/logger.ts';

const codeIn = (reply: string) => /\/confirmar ([A-Z0-9]{6})/.exec(reply)?.[1];
const TARGET = '34600000020';

describe('step-up confirmation with a one-time code', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await h.grant(PHONES.superAdmin, 'super_admin');
    await h.grant(PHONES.admin, 'admin');
    await h.grant(TARGET, 'viewer');
  });
  afterAll(async () => h?.close());
  const roleOf = async (phone: string) => (await h.user(phone))?.role?.roleName;

  it('waits for /confirmar with the code shown, storing only its hash', async () => {
    const ask = await h.say(PHONES.admin, '/rol asignar +34600000020 agent');
    const code = codeIn(ask)!;
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    expect(ask).toContain('en los próximos 2 minutos');
    const row = await h.em((em) => em.findOneOrFail(PendingConfirmation, { status: 'pending' }));
    expect(row).toMatchObject({ command: 'rol asignar', requiresTotp: false, attempts: 0 });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.expiresAt.getTime() - h.clock.now().getTime()).toBe(120_000);
    expect(await roleOf(TARGET)).toBe('viewer');

    expect(await h.say(PHONES.admin, '/confirmar ZZZZZZ')).toBe('El código no es correcto. Intentos restantes: 2.');
    expect(await h.say(PHONES.admin, `/confirmar ${code.toLowerCase()}`)).toContain('ahora tiene el rol *agent*');
    expect(await roleOf(TARGET)).toBe('agent');
    // One-time: the same code does nothing the second time.
    expect(await h.say(PHONES.admin, `/confirmar ${code}`)).toBe('No tienes ninguna acción pendiente de confirmar.');
  });

  it('expires after 2 minutes of message time', async () => {
    const code = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 viewer'))!;
    h.clock.advance(120_001);
    expect(await h.say(PHONES.admin, `/confirmar ${code}`)).toMatch(/^La confirmación ha caducado/);
    expect(await roleOf(TARGET)).toBe('agent');
  });

  it('drops the action on /cancelar', async () => {
    const code = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 viewer'))!;
    expect(await h.say(PHONES.admin, '/cancelar')).toBe('Acción cancelada: Se asignará el rol *viewer* a +34600000020 (ahora: agent).');
    expect(await h.say(PHONES.admin, '/cancelar')).toBe('No tienes ninguna acción pendiente de confirmar.');
    expect(await h.say(PHONES.admin, `/confirmar ${code}`)).toBe('No tienes ninguna acción pendiente de confirmar.');
  });

  it('tells the person when a second sensitive command replaces the one waiting for confirmation', async () => {
    const first = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 viewer'))!;
    const replies = await h.send(PHONES.admin, '/rol asignar +34600000020 analyst');
    const texts = replies.map((r) => (r.kind === 'text' ? r.text : ''));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe('ℹ️ Tenías otra acción esperando confirmación; la he anulado y no se realizará: Se asignará el rol *viewer* a +34600000020 (ahora: agent).');
    const second = codeIn(texts[1]!)!;
    expect(await h.say(PHONES.admin, `/confirmar ${first}`)).toBe('El código no es correcto. Intentos restantes: 2.');
    expect(await h.say(PHONES.admin, `/confirmar ${second}`)).toContain('ahora tiene el rol *analyst*');
    const requested = (await h.audit()).filter((r) => (r.details as { stage?: string } | null)?.stage === 'confirmation_requested').at(-1)!;
    expect((requested.details as { replaced?: string[] }).replaced).toHaveLength(1);
    // One that had already expired is replaced silently.
    await h.say(PHONES.admin, '/rol asignar +34600000020 viewer');
    h.clock.advance(120_001);
    const after = await h.send(PHONES.admin, '/rol asignar +34600000020 agent');
    expect(after).toHaveLength(1);
    expect(await h.say(PHONES.admin, `/confirmar ${codeIn(textOf(after))}`)).toContain('ahora tiene el rol *agent*');
  });

  it('drops the action after three wrong codes and audits it', async () => {
    const code = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 viewer'))!;
    await h.say(PHONES.admin, '/confirmar AAAAAA');
    await h.say(PHONES.admin, '/confirmar BBBBBB');
    expect(await h.say(PHONES.admin, '/confirmar CCCCCC')).toMatch(/^Demasiados códigos incorrectos/);
    expect(await h.say(PHONES.admin, `/confirmar ${code}`)).toBe('No tienes ninguna acción pendiente de confirmar.');
    expect(await roleOf(TARGET)).toBe('agent');
    const rows = await h.audit();
    expect(rows.find((r) => r.action === 'confirmation.failed')).toMatchObject({ outcome: 'denied', actorPhone: PHONES.admin, target: 'rol asignar' });
    // The codes typed are never stored.
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/AAAAAA|BBBBBB|CCCCCC/);
  });

  it('a confirmation is only usable by the person who asked for it', async () => {
    const code = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 viewer'))!;
    expect(await h.say(PHONES.superAdmin, `/confirmar ${code}`)).toBe('No tienes ninguna acción pendiente de confirmar.');
    expect(await h.say(PHONES.admin, `/confirmar ${code}`)).toContain('ahora tiene el rol *viewer*');
  });

  it('survives a restart: a new router (new services) confirms what the old one asked', async () => {
    const code = codeIn(await h.say(PHONES.admin, '/rol asignar +34600000020 analyst'))!;
    const services = createServices({ config: h.db.config, logger: silentLogger(), orm: h.db.orm, clock: h.clock });
    const fresh = createCommandRouter({ services, registry: createRegistry(commandDefs) });
    const replies = await fresh.handle({ phone: PHONES.admin, jid: 'x@s.whatsapp.net', text: `/confirmar ${code}`, isGroup: false, now: h.clock.now() });
    expect(replies).toEqual([{ kind: 'text', text: 'Hecho: +34600000020 ahora tiene el rol *analyst* (antes: viewer).' }]);
  });
});

describe('step-up confirmation with TOTP', () => {
  let h: AdminHarness;
  let secret: string;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await h.grant(PHONES.superAdmin, 'super_admin');
    await h.grant(PHONES.admin, 'admin');
    await h.grant(TARGET, 'viewer');
  });
  afterAll(async () => h?.close());

  it('enrols: sends the otpauth QR as an image, then activates with a first valid code', async () => {
    const replies = await h.send(PHONES.admin, '/seguridad totp');
    expect(replies[0]).toMatchObject({ kind: 'image', mimetype: 'image/png' });
    const png = (replies[0] as { buffer: Buffer }).buffer;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const user = await h.user(PHONES.admin);
    expect(user!.totpSecret).toMatch(/^v1\.[0-9a-f]{8}\./);
    secret = h.services.secrets.open(user!.totpSecret!);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(user!.totpEnabledAt).toBeNull();
    expect(replies).toHaveLength(1);
    // QR rendering is deterministic: the image is exactly the otpauth URI of the stored secret.
    expect(png.equals(await totpQrPng(totpUri(PHONES.admin, secret)))).toBe(true);
    expect(totpUri(PHONES.admin, secret)).toBe(`otpauth://totp/MarIADono:%2B${PHONES.admin}?secret=${secret}&period=30&digits=6&algorithm=SHA1&issuer=MarIADono`);
    // The secret travels only inside the QR, never as text that would be logged.
    expect(JSON.stringify(replies)).not.toContain(secret);

    expect(await h.say(PHONES.admin, '/seguridad totp 000000')).toMatch(/no coincide/);
    const code = authenticator.clone({ epoch: h.clock.now().getTime() }).generate(secret);
    expect(await h.say(PHONES.admin, `/seguridad totp ${code}`)).toMatch(/activada/);
    expect((await h.user(PHONES.admin))!.totpEnabledAt).toEqual(h.clock.now());
    expect(await h.say(PHONES.admin, '/seguridad totp')).toBe('Ya tienes la autenticación en dos pasos activada.');
    const audited = JSON.stringify((await h.audit()).map((r) => r.details));
    expect(audited).not.toContain(code);
  });

  it('asks for the authenticator code instead of showing one, and runs only with a valid TOTP', async () => {
    const ask = await h.say(PHONES.admin, '/rol asignar +34600000020 agent');
    expect(codeIn(ask)).toBeUndefined();
    expect(ask).toMatch(/código de 6 dígitos de tu app de autenticación/);
    const row = await h.em((em) => em.findOneOrFail(PendingConfirmation, { status: 'pending' }));
    expect(row.requiresTotp).toBe(true);
    expect(row.codeHash).toBeNull();

    // A code from another time window (or another secret) does not work.
    const stale = totpCodeAt(secret, new Date(h.clock.now().getTime() - 5 * 60_000));
    expect(await h.say(PHONES.admin, `/confirmar ${stale}`)).toBe('El código de tu app de autenticación no es correcto. Intentos restantes: 2.');
    expect((await h.user(TARGET))!.role!.roleName).toBe('viewer');

    h.clock.advance(40_000);
    const good = authenticator.clone({ epoch: h.clock.now().getTime() }).generate(secret);
    expect(await h.say(PHONES.admin, `/confirmar ${good}`)).toContain('ahora tiene el rol *agent*');
    expect((await h.user(TARGET))!.role!.roleName).toBe('agent');
  });

  it('drops the action after three wrong TOTP codes', async () => {
    await h.say(PHONES.admin, '/usuario suspender +34600000020');
    for (const c of ['111111', '222222']) expect(await h.say(PHONES.admin, `/confirmar ${c}`)).toMatch(/no es correcto/);
    expect(await h.say(PHONES.admin, '/confirmar 333333')).toMatch(/^Demasiados códigos incorrectos/);
    const good = totpCodeAt(secret, h.clock.now());
    expect(await h.say(PHONES.admin, `/confirmar ${good}`)).toBe('No tienes ninguna acción pendiente de confirmar.');
    expect((await h.user(TARGET))!.accountStatus).toBe('active');
    expect((await h.audit()).filter((r) => r.action === 'confirmation.failed')).toHaveLength(1);
  });
});
