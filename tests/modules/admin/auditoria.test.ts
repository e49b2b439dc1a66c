import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, PHONES, textOf, type AdminHarness } from './harness.ts';
import { auditCommand } from '../../../src/cli/audit.ts';
import { parseSince } from '../../../src/modules/admin/args.ts';
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
    // Nobody did anything with +34600000009: only this very lookup (audited with it as target) is listed.
    const nobody = (await h.say(PHONES.superAdmin, '/auditoria ver +34600000009 30m')).split('\n');
    expect(nobody).toHaveLength(2);
    expect(nobody[1]).toMatch(/^#\d+ \d\d\/\d\d\/\d{4}, \d\d:\d\d · \+34600000001 · command\.auditoria\.ver → 34600000009 · permitido$/);
    // Either order, a phone pasted in groups, and the date as an option.
    const byPhoneAndDate = await h.say(PHONES.superAdmin, '/auditoria ver 30m +34 600 000 003');
    expect(byPhoneAndDate).toContain('command.rol.lista');
    expect(byPhoneAndDate).not.toContain('command.denied');
    expect(await h.say(PHONES.superAdmin, '/auditoria ver +34600000003 desde=hoy')).toContain('command.rol.lista');
    expect(await h.say(PHONES.superAdmin, '/auditoria ver limite=1')).toMatch(/últimas 1,/);
    expect(await h.say(PHONES.manager, '/auditoria ver')).toMatch(/no tienes permiso/i);
  });

  it('explains every bad filter in Spanish instead of guessing', async () => {
    const ver = (args: string) => h.say(PHONES.superAdmin, `/auditoria ver ${args}`);
    const notFilter = (v: string) => `«${v}» no es un teléfono (por ejemplo +34600000001) ni una fecha (2026-11-01, hoy, ayer, 24h, 7d).`;
    const badDate = (v: string) => `«${v}» no es una fecha válida; usa AAAA-MM-DD (por ejemplo 2026-11-01), hoy, ayer o un periodo como 24h o 7d.`;
    const badLimit = /^«limite» no es válido: debe ser un número entero entre 1 y 100 \(por ejemplo limite=50\)\n\nUso: \/auditoria ver \[telefono\] \[desde\] \[limite=20\]/;
    expect(await ver('hola')).toBe(notFilter('hola'));
    expect(await ver('12')).toBe(notFilter('12'));
    expect(await ver('+34600000003 mañana')).toBe(notFilter('mañana'));
    // Date-shaped words are dates, never read as phone digits.
    expect(await ver('2026-02-30')).toBe(badDate('2026-02-30'));
    expect(await ver('2026-13-01')).toBe(badDate('2026-13-01'));
    expect(await ver('2026-11-01 25:00')).toBe(badDate('2026-11-01 25:00'));
    expect(await ver('9999999d')).toBe(badDate('9999999d'));
    expect(await ver('2030-01-01')).toBe('La fecha «2030-01-01» está en el futuro, así que no puede haber entradas desde entonces. Usa una fecha pasada o un periodo como 7d.');
    expect(await ver('+34600000001 +34600000003')).toMatch(/^Indica como mucho un teléfono y una fecha \(«\+34600000001» y «\+34600000003» son del mismo tipo\)/);
    expect(await ver('7d 24h')).toMatch(/^Indica como mucho un teléfono y una fecha \(«7d» y «24h»/);
    for (const limit of ['0', '101', '-3', '1.5', 'abc', '']) expect(await ver(`limite=${limit}`), limit).toMatch(badLimit);
    // Decimal digits only: no exponents, hex, binary, signs, separators or padding.
    for (const limit of ['1e2', '0x10', '0b11', '0o7', '+5', '5.0', '1_0', 'Infinity', '" 7"', '٣']) expect(await ver(`limite=${limit}`), limit).toMatch(badLimit);
    expect(await ver('limite=007')).not.toMatch(badLimit);
    const failures = (await h.audit()).filter((r) => r.action === 'command.auditoria.ver' && r.outcome === 'failure');
    expect(failures.length).toBeGreaterThanOrEqual(10);
  });

  it('reads dates in the configured time zone (TZ)', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(parseSince('2026-11-01', now, 'Europe/Madrid')!.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(parseSince('2026-07-01 09:30', now, 'Europe/Madrid')!.toISOString()).toBe('2026-07-01T07:30:00.000Z');
    expect(parseSince('hoy', now, 'America/New_York')!.toISOString()).toBe('2026-11-24T05:00:00.000Z');
    expect(parseSince('ayer', new Date('2026-11-24T02:00:00Z'), 'America/New_York')!.toISOString()).toBe('2026-11-22T05:00:00.000Z');
    expect(parseSince('7d', now, 'Europe/Madrid')!.toISOString()).toBe('2026-11-17T10:00:00.000Z');
    expect(parseSince('2026-02-29', now, 'UTC')).toBeNull();
    expect(parseSince('2028-02-29', now, 'UTC')!.toISOString()).toBe('2028-02-29T00:00:00.000Z');
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
    expect(out).toMatch(/^registro de auditoría correcto: \d+ filas verificadas$/);
  });

  it('detects one tampered row, in chat and with the CLI (exit code 1)', async () => {
    const rows = await h.audit();
    const victim = rows.find((r) => r.action === 'command.denied')!;
    await h.em((em) => em.execute(`update audit_log set outcome = 'allowed' where id = ?`, [victim.id]));
    const { code, out } = await cli(['verify']);
    expect(code).toBe(1);
    expect(out).toContain(`primer eslabón roto en audit_log id ${victim.id}`);
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
    expect(out.join('\n')).toMatch(/ROTO/);
    expect(await runCli(['audit', 'check'], env, { out: () => {}, err: () => {} })).toBe(2);
  });

  it('exits the process with status 1 when run as a command', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const env = { ...process.env, DATABASE_URL: h.db.config.db.url, STORAGE_DIR: h.db.config.STORAGE_DIR, LOG_LEVEL: 'silent', ADMIN_PHONES: '' };
    const run = spawnSync(join(root, 'node_modules/.bin/node'), [join(root, 'src/cli.ts'), 'audit', 'verify'], { env, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/registro de auditoría ROTO: primer eslabón roto en audit_log id \d+/);
  });
});
