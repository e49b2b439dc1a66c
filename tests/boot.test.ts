import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/cli.ts';

async function waitForHealth(url: string, timeoutMs: number): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return (await res.json()) as Record<string, any>;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`health never answered: ${String(lastErr)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'mariadono-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mariadono start (real process, no network)', () => {
  it('brings up /health on SQLite, then exits 0 on SIGTERM within 10 s', async () => {
    const port = await freePort();
    const botPort = await freePort();
    const child = spawn(process.execPath, ['src/cli.ts', 'start'], {
      env: { ...process.env, STORAGE_DIR: dir, HTTP_PORT: String(port), BOT_PORT: String(botPort), LOG_LEVEL: 'warn', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/health`, 60_000);
      expect(health.database).toMatchObject({ ok: true, kind: 'sqlite' });
      expect(typeof health.whatsapp.status).toBe('string');
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 90_000);
});
