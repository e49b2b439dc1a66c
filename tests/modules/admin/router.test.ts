import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, seedTeam, PHONES, type AdminHarness } from './harness.ts';
import { ROLE_MATRIX, type RoleName } from '../../../src/modules/identity/permissions.ts';
import { commandDefs } from '../../../src/modules/admin/commands/index.ts';
import { createRegistry } from '../../../src/modules/admin/registry.ts';

const registry = createRegistry(commandDefs);

/** The usage lines /ayuda must show for a role, computed from ROLE_MATRIX (not from the router). */
function expectedUsages(role: RoleName): string[] {
  const perms = new Set(ROLE_MATRIX[role]);
  return registry
    .all()
    .flatMap((d) => registry.leaves(d))
    .filter((l) => l.action.permission === null || perms.has(l.action.permission))
    .map((l) => l.action.usage);
}

describe('command router: identity, permissions and help', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await seedTeam(h);
  });
  afterAll(async () => h?.close());

  it("denies a customer's /campana politely, reveals nothing, and audits the attempt", async () => {
    const before = (await h.audit()).length;
    const reply = await h.say(PHONES.customer, '/campana enviar "Clientes VIP"');
    expect(reply).toMatch(/no tienes permiso/i);
    expect(reply).not.toMatch(/campa|\/ayuda|\/rol|\//i);
    const rows = (await h.audit()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'command.denied', outcome: 'denied', actorPhone: PHONES.customer, channel: 'chat' });
    expect(rows[0]!.details).toEqual({ command: 'campana', reason: 'not_staff' });
    expect(rows[0]!.actor?.id).toBe((await h.user(PHONES.customer))!.id);
  });

  it('gives a stranger (no usuarios row) and a customer typing /ayuda the same answer', async () => {
    const stranger = await h.say('34611111111', '/ayuda');
    const customer = await h.say(PHONES.customer, '/ayuda');
    expect(stranger).toBe(customer);
    const last = (await h.audit()).at(-2)!;
    expect(last).toMatchObject({ action: 'command.denied', actorPhone: '34611111111', outcome: 'denied' });
  });

  it.each(['super_admin', 'admin', 'manager', 'agent', 'analyst', 'viewer'] as const)(
    "shows %s exactly the commands their role permits in /ayuda",
    async (role) => {
      const phone = { super_admin: PHONES.superAdmin, admin: PHONES.admin, manager: PHONES.manager, agent: PHONES.agent, analyst: PHONES.analyst, viewer: PHONES.viewer }[role];
      const reply = await h.say(phone, '/ayuda');
      const shown = reply.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.slice(2).split(' — ')[0]);
      expect(shown).toEqual(expectedUsages(role));
      expect(reply).toContain(`rol: ${role}`);
    },
  );

  it('hides /rol asignar from a viewer but shows it to a manager', async () => {
    expect(await h.say(PHONES.viewer, '/ayuda')).not.toContain('/rol');
    const help = await h.say(PHONES.manager, '/ayuda rol');
    expect(help).toContain('/rol asignar <telefono> <rol>');
    expect(help).toContain('Ejemplo: /rol asignar +34600000001 manager');
    expect(help).toContain('pide confirmación');
  });

  it('accepts accents, capitals and English aliases', async () => {
    const base = await h.say(PHONES.admin, '/ayuda');
    expect(await h.say(PHONES.admin, '/AYÚDA')).toBe(base);
    expect(await h.say(PHONES.admin, '/help')).toBe(base);
    expect(await h.say(PHONES.admin, '/roles list')).toBe(await h.say(PHONES.admin, '/rol lista'));
  });

  it('suggests the closest command the caller may run', async () => {
    expect(await h.say(PHONES.admin, '/ayda')).toMatch(/¿Quisiste decir \/ayuda\?/);
    expect(await h.say(PHONES.admin, '/auditoira ver')).toMatch(/¿Quisiste decir \/auditoria\?/);
    expect(await h.say(PHONES.admin, '/xyzzy')).toMatch(/No conozco el comando «\/xyzzy»/);
    // The viewer may not run /rol, so it is never suggested to them.
    expect(await h.say(PHONES.viewer, '/rl')).not.toContain('/rol');
  });

  it('tells staff without the permission that they may not, and audits it as denied', async () => {
    expect(await h.say(PHONES.analyst, '/rol lista')).toMatch(/no tienes permiso para usar \/rol/i);
    expect(await h.say(PHONES.agent, '/usuario suspender +34600000005')).toMatch(/no tienes permiso para usar \/usuario/i);
    const last = (await h.audit()).at(-1)!;
    expect(last).toMatchObject({ action: 'command.denied', outcome: 'denied', actorPhone: PHONES.agent });
  });

  it('explains bad arguments with the usage line', async () => {
    expect(await h.say(PHONES.admin, '/rol ver')).toBe('Falta el argumento «telefono».\n\nUso: /rol ver <telefono>\nEjemplo: /rol ver +34600000001');
    expect(await h.say(PHONES.admin, '/rol ver 12')).toMatch(/«12» no es un teléfono válido[\s\S]*Uso: \/rol ver <telefono>/);
    expect(await h.say(PHONES.admin, '/rol ver +34600000001 otra')).toMatch(/Sobran argumentos: «otra»/);
    expect(await h.say(PHONES.admin, '/rol ver "+34600000001')).toMatch(/comillas sin cerrar[\s\S]*Uso: \/rol ver/);
    expect(await h.say(PHONES.admin, '/rol lista color=rojo')).toMatch(/Opción desconocida: color/);
    expect(await h.say(PHONES.admin, '/rol')).toMatch(/\/rol lista[\s\S]*\/rol permisos/);
    expect(await h.say(PHONES.admin, '/rol borrar')).toMatch(/No conozco «borrar» como opción de \/rol/);
    // A quoted word is the word: never shown inside doubled guillemets, and looked up as typed.
    for (const quoted of ['«borrar»', '"borrar"', '“borrar”', '«borrar']) {
      const reply = await h.say(PHONES.admin, `/rol ${quoted}`);
      expect(reply, quoted).toMatch(/No conozco «borrar» como opción de \/rol/);
      expect(reply, quoted).not.toMatch(/««|»»|«"|"»|«“|”»/);
    }
    const last = (await h.audit()).at(-1)!;
    expect(last).toMatchObject({ action: 'command.rol', outcome: 'failure' });
    expect(await h.say(PHONES.admin, '/rol «permisos» viewer')).toBe(await h.say(PHONES.admin, '/rol permisos viewer'));
  });

  it('ignores commands typed in groups unless ALLOW_GROUP_COMMANDS is on', async () => {
    const before = (await h.audit()).length;
    expect(await h.send(PHONES.admin, '/ayuda', { isGroup: true, jid: '120363000000000000@g.us' })).toEqual([]);
    expect((await h.audit()).length).toBe(before);
  });

  it('audits allowed commands before running them and records the result with its duration', async () => {
    const before = (await h.audit()).length;
    await h.say(PHONES.manager, '/rol permisos viewer');
    const rows = (await h.audit()).slice(before);
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['command.rol.permisos', 'allowed'],
      ['command.rol.permisos', 'success'],
    ]);
    expect(rows[0]!.details).toEqual({ args: { rol: 'viewer' } });
    expect(rows[1]!.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('command router with group commands allowed', () => {
  it('answers a staff command typed in a group', async () => {
    const h = await makeAdminHarness('sqlite', { ALLOW_GROUP_COMMANDS: 'true' });
    try {
      await h.grant(PHONES.admin, 'admin');
      expect(await h.say(PHONES.admin, '/ayuda', { isGroup: true })).toContain('Tus comandos');
    } finally {
      await h.close();
    }
  });
});
