import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, PHONES, textOf, type AdminHarness } from './harness.ts';
import { auditCommand } from '../../../src/cli/audit.ts';
import { runCli } from '../../../src/cli.ts';
import { silentLogger } from '../../../src/logger.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('/auditoria and `mariadono audit verify`', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await h.grant(PHONES.superAdmin, 'super_admin');
    await h.grant(PHONES.manager, 'manager');
    await h.grant(PHONES.customer, 'client');
  });
  afterAll(async () => h?.close());

  const cli = async (args: string[]) => {
    const out: string[] = [];
    const code = await auditCommand(args, { config: h.db.config, logger: silentLogger(), io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
    return { code, out: out.join('\n') };
  };

  it('shows recent entries filtered by phone and date, newest first', async () => {
    await h.say(PHONES.customer, '/campana');
    h.clock.advance(3_600_000);
    await h.say(PHONES.manager, '/rol lista');
    const all = await h.say(PHONES.superAdmin, '/auditoria ver');
    expect(all.split('\n')[0]).toMatch(/^\*Auditoría\* \(últimas \d+/);
    expect(all).toMatch(/\+34699999999 · command\.denied · denegado/);
    const mine = await h.say(PHONES.superAdmin, '/auditoria ver +34600000003');
    expect(mine).toContain('command.rol.lista');
    expect(mine).not.toContain('+34699999999');
    const recent = await h.say(PHONES.superAdmin, '/auditoria ver 30m');
    expect(recent).toContain('command.rol.lista');
    expect(recent).not.toContain('command.denied');
    expect(await h.say(PHONES.superAdmin, '/auditoria ver +34600000003 2030-01-01')).toBe('No hay entradas de auditoría con esos filtros.');
    expect(await h.say(PHONES.superAdmin, '/auditoria ver ayer')).toMatch(/«ayer» no es un teléfono válido/);
    expect(await h.say(PHONES.superAdmin, '/auditoria ver limite=1')).toMatch(/últimas 1,/);
    expect(await h.say(PHONES.manager, '/auditoria ver')).toMatch(/no tienes permiso/i);
  });

  it('verifies the chain as a long-running command that reports back later', async () => {
    const now = await h.send(PHONES.superAdmin, '/auditoria verificar');
    expect(textOf(now)).toBe('Procesando /auditoria verificar… te aviso en cuanto termine. ⏳');
    await h.router.idle();
    expect(h.delivered).toHaveLength(1);
    expect(h.delivered[0]!.jid).toBe(`${PHONES.superAdmin}@s.whatsapp.net`);
    expect(textOf([h.delivered[0]!.reply])).toMatch(/^✅ Registro de auditoría íntegro: \d+ entradas verificadas\.$/);
    const { code, out } = await cli(['verify']);
    expect(code).toBe(0);
    expect(out).toMatch(/^audit log OK: \d+ rows verified$/);
  });

  it('detects one tampered row, in chat and with the CLI (exit code 1)', async () => {
    const rows = await h.audit();
    const victim = rows.find((r) => r.action === 'command.denied')!;
    await h.em((em) => em.execute(`update audit_log set outcome = 'allowed' where id = ?`, [victim.id]));
    const { code, out } = await cli(['verify']);
    expect(code).toBe(1);
    expect(out).toContain(`first broken link at audit_log id ${victim.id}`);
    await h.send(PHONES.superAdmin, '/auditoria verificar');
    await h.router.idle();
    expect(textOf([h.delivered.at(-1)!.reply])).toBe(
      `⚠️ El registro de auditoría ha sido alterado: la cadena se rompe en la entrada #${victim.id} (su contenido no coincide con su hash).`,
    );
  });

  it('goes through the real `mariadono` entry point with the database from the environment', async () => {
    const out: string[] = [];
    const env = { DATABASE_URL: h.db.config.db.url, STORAGE_DIR: h.db.config.STORAGE_DIR, LOG_LEVEL: 'silent' };
    const code = await runCli(['audit', 'verify'], env, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/BROKEN/);
    expect(await runCli(['audit', 'check'], env, { out: () => {}, err: () => {} })).toBe(2);
  });

  it('exits the process with status 1 when run as a command', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const env = { ...process.env, DATABASE_URL: h.db.config.db.url, STORAGE_DIR: h.db.config.STORAGE_DIR, LOG_LEVEL: 'silent', ADMIN_PHONES: '' };
    const run = spawnSync(join(root, 'node_modules/.bin/node'), [join(root, 'src/cli.ts'), 'audit', 'verify'], { env, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/audit log BROKEN: first broken link at audit_log id \d+/);
  });
});
