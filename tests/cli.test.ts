import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli.ts';
import { initOrm } from '../src/db/orm.ts';
import { loadConfig } from '../src/config.ts';
import { createTestOrm, pgAvailable } from './helpers/db.ts';

function capture(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'mariadono-cli-'));
const env = { STORAGE_DIR: dir, LOG_LEVEL: 'silent' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mariadono CLI', () => {
  it('prints help with --help and exits 0', async () => {
    const io = capture();
    expect(await runCli(['--help'], env, io)).toBe(0);
    expect(io.outText()).toContain('mariadono admin grant <teléfono> <rol>');
  });

  it('exits 2 with the usage when no command is given', async () => {
    const io = capture();
    expect(await runCli([], env, io)).toBe(2);
    expect(io.outText()).toContain('Uso:');
  });

  it('rejects an unknown command with exit code 2 and a helpful message', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'], env, io)).toBe(2);
    expect(io.errText()).toContain('comando desconocido "frobnicate"');
  });

  it('rejects a bad configuration with exit code 2 naming the variable', async () => {
    const io = capture();
    expect(await runCli(['migrate'], { ...env, HTTP_PORT: 'nope' }, io)).toBe(2);
    expect(io.errText()).toContain('HTTP_PORT');
  });

  it.each([
    [['admin'], 'admin grant <teléfono> <rol>'],
    [['admin', 'grant', 'abc', 'admin'], 'no es un número con prefijo de país'],
    [['admin', 'grant', '+34600000001', 'emperor'], 'rol desconocido "emperor"'],
    [['migrate', 'extra'], 'argumentos inesperados'],
  ])('rejects bad arguments %j with exit 2', async (args, message) => {
    const io = capture();
    expect(await runCli(args, env, io)).toBe(2);
    expect(io.errText()).toContain(message);
  });

  it('migrates, then grants a role idempotently', async () => {
    const io = capture();
    expect(await runCli(['migrate'], env, io)).toBe(0);
    expect(await runCli(['migrate'], env, io)).toBe(0);
    expect(await runCli(['admin', 'grant', '+34 600 000 001', 'manager'], env, io)).toBe(0);
    expect(io.outText()).toContain('+34600000001 ahora tiene el rol manager');
    const orm = await initOrm(loadConfig(env));
    try {
      const rows = await orm.em.getConnection().execute(
        'select u."phoneNumber" as phone, r.role_name as role from usuarios u join user_roles r on r.role_id = u.role_id',
      );
      expect(rows).toEqual([{ phone: '34600000001', role: 'manager' }]);
    } finally {
      await orm.close();
    }
  });

  it('runs as a real process: unknown command exits 2', () => {
    const res = spawnSync(process.execPath, ['src/cli.ts', 'bogus'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('comando desconocido');
  });

  it('runs as a real process: migrate on a fresh SQLite file exits 0 and prints the result', () => {
    const res = spawnSync(process.execPath, ['src/cli.ts', 'migrate'], {
      env: { ...process.env, ...env, DATABASE_URL: `sqlite:${join(dir, 'proc.sqlite')}` },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.stderr).not.toContain('unsettled top-level await');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('Base de datos lista (sqlite)');
  });
});

describe.skipIf(!(await pgAvailable()))('mariadono migrate on PostgreSQL (real process)', () => {
  it('creates every table and the seeds in a fresh database', async () => {
    // An empty database (no migrations) from the test helper; the CLI migrates it.
    const t = await createTestOrm('postgresql', { migrate: false });
    try {
      const res = spawnSync(process.execPath, ['src/cli.ts', 'migrate'], {
        env: { ...process.env, ...env, DATABASE_URL: t.config.db.url },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status, res.stderr).toBe(0);
      const tables = await t.orm.em.getConnection().execute(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations'",
      );
      expect(tables[0].n).toBe(44);
      const roles = await t.orm.em.getConnection().execute('select count(*)::int as n from user_roles');
      expect(roles[0].n).toBe(7);
    } finally {
      await t.cleanup();
    }
  });
});
