import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli.ts';
import { initOrm } from '../src/db/orm.ts';
import { loadConfig } from '../src/config.ts';

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
    expect(io.outText()).toContain('mariadono admin grant <phone> <role>');
  });

  it('exits 2 with the usage when no command is given', async () => {
    const io = capture();
    expect(await runCli([], env, io)).toBe(2);
    expect(io.outText()).toContain('Usage:');
  });

  it('rejects an unknown command with exit code 2 and a helpful message', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'], env, io)).toBe(2);
    expect(io.errText()).toContain('unknown command "frobnicate"');
  });

  it('rejects a bad configuration with exit code 2 naming the variable', async () => {
    const io = capture();
    expect(await runCli(['migrate'], { ...env, HTTP_PORT: 'nope' }, io)).toBe(2);
    expect(io.errText()).toContain('HTTP_PORT');
  });

  it.each([
    [['admin'], 'admin grant <phone> <role>'],
    [['admin', 'grant', 'abc', 'admin'], 'not a phone number'],
    [['admin', 'grant', '+34600000001', 'emperor'], 'unknown role "emperor"'],
    [['migrate', 'extra'], 'unexpected arguments'],
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
    expect(io.outText()).toContain('+34600000001 now has the role manager');
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
    expect(res.stderr).toContain('unknown command');
  });
});
