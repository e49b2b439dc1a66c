import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, PHONES, textOf, type AdminHarness } from './harness.ts';
import { pgAvailable } from '../../helpers/db.ts';
import { createServices } from '../../../src/services.ts';
import { initOrm, type Orm } from '../../../src/db/orm.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createCommandRouter, type CommandRouter } from '../../../src/modules/admin/router.ts';
import { createRegistry } from '../../../src/modules/admin/registry.ts';
import { commandDefs } from '../../../src/modules/admin/commands/index.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { generateTotpSecret, totpCodeAt } from '../../../src/modules/admin/totp.ts';

describe.skipIf(!(await pgAvailable()))('confirmations across two instances sharing PostgreSQL', () => {
  let h: AdminHarness;
  let orm2: Orm;
  let other: CommandRouter;
  beforeAll(async () => {
    h = await makeAdminHarness('postgresql');
    await h.grant(PHONES.admin, 'admin');
    await h.grant('34600000020', 'viewer');
    // A second process: its own ORM (connection pool) and services over the same database.
    orm2 = await initOrm(h.db.config);
    const services = createServices({ config: h.db.config, logger: silentLogger(), orm: orm2, clock: h.clock });
    other = createCommandRouter({ services, registry: createRegistry(commandDefs) });
  });
  afterAll(async () => {
    await orm2?.close(true);
    await h?.close();
  });

  it('runs a confirmed action exactly once when both instances receive /confirmar at the same time', async () => {
    const ask = await h.say(PHONES.admin, '/rol asignar +34600000020 agent');
    const code = /\/confirmar ([A-Z0-9]{6})/.exec(ask)![1];
    const input = { phone: PHONES.admin, jid: 'a@s.whatsapp.net', text: `/confirmar ${code}`, isGroup: false, now: h.clock.now() };
    const [a, b] = await Promise.all([h.router.handle(input), other.handle(input)]);
    const answers = [textOf(a), textOf(b)].sort();
    expect(answers.filter((t) => t.includes('ahora tiene el rol *agent*'))).toHaveLength(1);
    expect(answers).toContain('No tienes ninguna acción pendiente de confirmar.');
    const rows = (await h.audit()).filter((r) => r.action === 'command.rol.asignar' && r.outcome === 'success');
    expect(rows).toHaveLength(1);
    expect((await h.em((em) => h.services.audit!.verify(em))).ok).toBe(true);
  });

  it('accepts a TOTP code once on PostgreSQL, even when both instances receive it', async () => {
    const secret = generateTotpSecret();
    await h.em((em) => em.nativeUpdate(Usuario, { phoneNumber: PHONES.admin }, { totpSecret: secret, totpEnabledAt: h.clock.now() }));
    await h.grant('34600000021', 'viewer');
    expect(await h.say(PHONES.admin, '/rol asignar +34600000021 agent')).toMatch(/app de autenticación/);
    const code = totpCodeAt(secret, h.clock.now());
    const input = { phone: PHONES.admin, jid: 'a@s.whatsapp.net', text: `/confirmar ${code}`, isGroup: false, now: h.clock.now() };
    const [a, b] = await Promise.all([h.router.handle(input), other.handle(input)]);
    const answers = [textOf(a), textOf(b)];
    expect(answers.filter((t) => t.includes('ahora tiene el rol *agent*'))).toHaveLength(1);
    expect(answers.filter((t) => /ya se ha usado|ninguna acción pendiente/.test(t))).toHaveLength(1);
    expect((await h.user('34600000021'))!.role!.roleName).toBe('agent');
    expect((await h.user(PHONES.admin))!.totpLastStep).toBe(Math.floor(h.clock.now().getTime() / 30_000));
  });

  it('keeps one unforked audit chain when both instances write at once', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? h.router : other).handle({ phone: PHONES.admin, jid: 'a@s.whatsapp.net', text: '/rol lista', isGroup: false, now: h.clock.now() })),
    );
    const result = await h.em((em) => h.services.audit!.verify(em));
    expect(result.ok).toBe(true);
    expect(result.count).toBeGreaterThan(60);
  });
});
