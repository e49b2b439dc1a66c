import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, seedTeam, PHONES, type AdminHarness } from './harness.ts';
import { PendingConfirmation } from '../../../src/modules/identity/pending-confirmation.entity.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';

const codeIn = (reply: string) => /\/confirmar ([A-Z0-9]{6})/.exec(reply)?.[1];

describe('/rol and /usuario', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await seedTeam(h);
  });
  afterAll(async () => h?.close());

  const roleOf = async (phone: string) => (await h.user(phone))?.role?.roleName;
  const pendingCount = () => h.em((em) => em.count(PendingConfirmation, { status: 'pending' }));

  it('lists roles, shows a person and lists a role\'s permissions', async () => {
    const list = await h.say(PHONES.admin, '/rol lista');
    expect(list).toContain('• super_admin — nivel 100 · 1 ·');
    expect(list).toContain('• client — nivel 0 · 1 · 0 permisos');
    const show = await h.say(PHONES.manager, '/rol ver +34 600 000 004');
    expect(await h.say(PHONES.manager, '/rol ver "+34 600 000 004"')).toBe(show);
    expect(show).toMatch(/\+34600000004[\s\S]*Rol: agent \(nivel 40, 7 permisos\)[\s\S]*Estado: activo[\s\S]*TOTP: no/);
    expect(await h.say(PHONES.manager, '/rol ver +34611112222')).toBe('No conozco a nadie con el teléfono +34611112222.');
    const perms = await h.say(PHONES.manager, '/rol permisos viewer');
    expect(perms).toContain('*Permisos de viewer* (nivel 10, 3 permisos):');
    expect(perms).toContain('• reports.view — Ver reportes');
    expect(await h.say(PHONES.manager, '/rol permisos jefe')).toMatch(/No existe el rol «jefe»\. Roles: super_admin, admin/);
  });

  it('does not let a manager grant admin (nor touch an admin), and audits the refusal', async () => {
    const reply = await h.say(PHONES.manager, '/rol asignar +34600000004 admin');
    expect(reply).toBe('No puedes asignar el rol admin: es superior al tuyo.');
    expect(await h.say(PHONES.manager, '/rol asignar +34600000002 viewer')).toBe('No puedes modificar a +34600000002: tiene un rol superior al tuyo.');
    expect(await roleOf(PHONES.agent)).toBe('agent');
    expect(await pendingCount()).toBe(0);
    const last = (await h.audit()).at(-1)!;
    expect(last).toMatchObject({ action: 'command.rol.asignar', outcome: 'denied', actorPhone: PHONES.manager, target: PHONES.admin });
  });

  it('lets a manager grant a role at their own level after confirmation', async () => {
    const ask = await h.say(PHONES.manager, '/rol asignar +34600000004 manager');
    expect(ask).toMatch(/Se asignará el rol \*manager\* a \+34600000004 \(ahora: agent\)/);
    expect(await roleOf(PHONES.agent)).toBe('agent');
    const done = await h.say(PHONES.manager, `/confirmar ${codeIn(ask)}`);
    expect(done).toBe('Hecho: +34600000004 ahora tiene el rol *manager* (antes: agent).');
    expect(await roleOf(PHONES.agent)).toBe('manager');
    // The new role's permissions apply on the very next message.
    expect(await h.say(PHONES.agent, '/ayuda')).toContain('/rol asignar');
  });

  it('audits a role change end to end: the request, the confirmation and the change with its before and after', async () => {
    const before = (await h.audit()).length;
    const ask = await h.say(PHONES.admin, '/rol asignar +34600000006 analyst');
    await h.say(PHONES.admin, `/confirmar ${codeIn(ask)}`);
    const rows = (await h.audit()).slice(before).map((r) => ({ action: r.action, outcome: r.outcome, actor: r.actorPhone, target: r.target, details: r.details }));
    expect(rows).toEqual([
      { action: 'command.rol.asignar', outcome: 'allowed', actor: PHONES.admin, target: PHONES.viewer, details: expect.objectContaining({ stage: 'confirmation_requested', factor: 'code', args: { telefono: PHONES.viewer, rol: 'analyst' } }) },
      { action: 'command.confirmar', outcome: 'allowed', actor: PHONES.admin, target: null, details: { args: { codigo: '[redactado]' } } },
      { action: 'command.rol.asignar', outcome: 'allowed', actor: PHONES.admin, target: PHONES.viewer, details: { args: { telefono: PHONES.viewer, rol: 'analyst' } } },
      { action: 'command.rol.asignar', outcome: 'success', actor: PHONES.admin, target: PHONES.viewer, details: { from: 'viewer', to: 'analyst' } },
      { action: 'command.confirmar', outcome: 'success', actor: PHONES.admin, target: null, details: null },
    ]);
    expect(await roleOf(PHONES.viewer)).toBe('analyst');
  });

  it('creates the staff member when the phone has never written', async () => {
    const ask = await h.say(PHONES.admin, '/rol asignar 34677777777 agent');
    expect(ask).toContain('que aún no ha escrito nunca');
    await h.say(PHONES.admin, `/confirmar ${codeIn(ask)}`);
    expect(await roleOf('34677777777')).toBe('agent');
  });

  it('never lets the last active super_admin be demoted', async () => {
    expect(await h.say(PHONES.superAdmin, '/rol asignar +34600000001 admin')).toMatch(/último super_admin activo/);
    expect(await pendingCount()).toBe(0);
    expect(await roleOf(PHONES.superAdmin)).toBe('super_admin');
  });

  it('re-checks the rule at confirmation time', async () => {
    await h.grant('34600000009', 'super_admin');
    const ask = await h.say(PHONES.superAdmin, '/rol asignar +34600000009 admin');
    // Meanwhile the first super_admin is suspended by someone else: now 34600000009 is the last one.
    await h.em(async (em) => {
      const u = await em.findOneOrFail(Usuario, { phoneNumber: PHONES.superAdmin });
      u.accountStatus = 'suspended';
      await em.flush();
    });
    const other = await h.say('34600000009', '/rol asignar +34600000001 admin');
    expect(other).toContain('Se asignará');
    await h.em(async (em) => {
      const u = await em.findOneOrFail(Usuario, { phoneNumber: PHONES.superAdmin });
      u.accountStatus = 'active';
      await em.flush();
    });
    expect(await h.say(PHONES.superAdmin, `/confirmar ${codeIn(ask)}`)).toContain('ahora tiene el rol *admin*');
    // Now 34600000001 is the only active super_admin, and 34600000009 (an admin) cannot touch it.
    expect(await h.say('34600000009', `/confirmar ${codeIn(other)}`)).toMatch(/no tienes permiso para usar \/rol asignar|superior al tuyo/);
    expect(await roleOf(PHONES.superAdmin)).toBe('super_admin');
  });

  it('suspends after confirmation, after which the suspended person\'s commands are denied and audited', async () => {
    const ask = await h.say(PHONES.admin, '/usuario suspender +34600000005');
    expect(ask).toMatch(/Se suspenderá la cuenta de \+34600000005 \(rol analyst\)/);
    expect((await h.user(PHONES.analyst))!.accountStatus).toBe('active');
    expect(await h.say(PHONES.admin, `/confirmar ${codeIn(ask)}`)).toBe('Hecho: la cuenta de +34600000005 está suspendida.');
    expect((await h.user(PHONES.analyst))!.accountStatus).toBe('suspended');
    const suspension = (await h.audit()).filter((r) => r.action === 'command.usuario.suspender' && r.outcome === 'success');
    expect(suspension.map((r) => [r.actorPhone, r.target, r.details])).toEqual([[PHONES.admin, PHONES.analyst, { from: 'active', to: 'suspended' }]]);
    expect(await h.say(PHONES.analyst, '/ayuda')).toMatch(/suspendida o inactiva/);
    expect((await h.audit()).at(-1)).toMatchObject({ action: 'command.denied', outcome: 'denied', actorPhone: PHONES.analyst, details: { command: 'ayuda', reason: 'account_inactive' } });
    expect(await h.say(PHONES.admin, '/usuario activar +34600000005')).toBe('Hecho: la cuenta de +34600000005 vuelve a estar activa.');
    expect((await h.audit()).at(-1)).toMatchObject({ action: 'command.usuario.activar', outcome: 'success', actorPhone: PHONES.admin, target: PHONES.analyst, details: { from: 'suspended', to: 'active' } });
    expect(await h.say(PHONES.analyst, '/ayuda')).toContain('Tus comandos');
  });

  it('refuses pointless or dangerous status changes', async () => {
    expect(await h.say(PHONES.admin, '/usuario activar +34600000005')).toBe('+34600000005 ya está activo.');
    expect(await h.say(PHONES.admin, '/usuario suspender +34600000002')).toBe('No puedes suspender tu propia cuenta.');
    expect(await h.say(PHONES.admin, '/usuario suspender +34600000001')).toMatch(/superior al tuyo/);
    expect(await h.say(PHONES.admin, '/usuario suspender +34612121212')).toBe('No conozco a nadie con el teléfono +34612121212.');
  });
});
