import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupCliDirs, eventsFile, freePort, jsonLines, msg, ROOT, runCli, tempDir } from './helpers/cli.ts';

/**
 * What a newcomer sees on a first run, as real processes: `.env` is read, errors are one Spanish
 * line, the wrapper stops the server it started, logs stay out of the chat, BuilderBot's own
 * server answers. No network: WhatsApp tries to connect and fails quietly.
 */

afterAll(cleanupCliDirs);

const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'src/cli.ts');
const BASE_ENV = { PATH: process.env.PATH, CI: 'true', NODE_ENV: 'test' };

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2000) });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} never answered: ${String(last)}`);
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const childrenOf = (pid: number) =>
  spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').map((s) => Number(s.trim())).filter(Boolean);

describe('.env at start-up', () => {
  const migrateIn = (dir: string, env: Record<string, string> = {}) =>
    spawnSync(NODE, [CLI, 'migrate'], { cwd: dir, env: { ...BASE_ENV, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 60_000 });

  it('reads .env from the working directory, lets the real environment win, and is optional', () => {
    const dir = tempDir('mariadono-dotenv-');
    writeFileSync(join(dir, '.env'), '# copied from .env.example\nSTORAGE_DIR=./from-dotenv\nLOG_LEVEL=silent\n');
    const fromFile = migrateIn(dir);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-dotenv', 'mariadono.sqlite'))).toBe(true);

    const fromEnv = migrateIn(dir, { STORAGE_DIR: './from-env' });
    expect(fromEnv.status, fromEnv.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-env', 'mariadono.sqlite'))).toBe(true);

    const none = tempDir('mariadono-nodotenv-');
    const noFile = migrateIn(none, { STORAGE_DIR: './storage' });
    expect(noFile.status, noFile.stderr).toBe(0);
    expect(noFile.stderr).toBe('');
  });

  it('a .env with a bad value or that cannot be read is one Spanish line per problem (exit 2)', () => {
    const dir = tempDir('mariadono-dotenv-bad-');
    writeFileSync(join(dir, '.env'), 'HTTP_PORT=abc\nJWT_SECRET=short\nAUTH_LOCKOUT=15m\n');
    const bad = migrateIn(dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'mariadono: configuración no válida: HTTP_PORT: se esperaba un número de puerto entre 0 y 65535',
      'mariadono: configuración no válida: JWT_SECRET: debe tener al menos 32 caracteres',
      expect.stringMatching(/^mariadono: configuración no válida: AUTH_LOCKOUT: ya no existe: .*AUTH_BACKOFF_MAX/),
    ]);
    const unreadable = tempDir('mariadono-dotenv-dir-');
    mkdirSync(join(unreadable, '.env'));
    const res = migrateIn(unreadable);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^mariadono: no se puede leer .*\.env \(no es un fichero\)\n$/);
  });
});

describe('start-up failures are one Spanish line', () => {
  it('a busy HTTP port', async () => {
    const dir = tempDir('mariadono-busy-');
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const child = spawn(NODE, [CLI, 'start'], {
        cwd: dir,
        env: { ...BASE_ENV, STORAGE_DIR: join(dir, 'storage'), HTTP_PORT: String(port), WHATSAPP_ENABLED: 'false', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += String(d)));
      const { code } = await exited(child);
      expect(code).toBe(1);
      // Only the JWT warning (a log line) may precede it; no stack, no JSON error object.
      const lines = stderr.trim().split('\n').filter((l) => !l.includes('JWT_SECRET'));
      expect(lines).toEqual([`mariadono start: el puerto ${port} ya está en uso (HTTP_PORT): cierra el programa que lo ocupa o elige otro con HTTP_PORT=<puerto>.`]);
      expect(stderr).not.toMatch(/EADDRINUSE|"stack"/);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('PostgreSQL that does not answer', () => {
    const dir = tempDir('mariadono-nopg-');
    const res = spawnSync(NODE, [CLI, 'migrate'], {
      cwd: dir,
      env: { ...BASE_ENV, DATABASE_URL: 'postgres://postgres:secreto@127.0.0.1:1/mariadono', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe('mariadono migrate: no puedo conectar con PostgreSQL en 127.0.0.1:1/mariadono (DATABASE_URL): comprueba que el servidor está en marcha y acepta conexiones.\n');
  });
});

describe('the mariadono wrapper (bin/mariadono.js)', () => {
  it('forwards SIGTERM to the server it started; warns about JWT_SECRET; BuilderBot\'s server answers and prints no banners', async () => {
    const dir = tempDir('mariadono-wrapper-');
    const [port, botPort] = [await freePort(), await freePort()];
    // Configured through .env, as README's first run does.
    writeFileSync(join(dir, '.env'), `STORAGE_DIR=./storage\nHTTP_PORT=${port}\nBOT_PORT=${botPort}\nLOG_LEVEL=warn\n`);
    // The wrapper itself under the system's Node (often 20), as its `#!/usr/bin/env node` or a supervisor runs it.
    const systemNode = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;
    const wrapper = spawn(systemNode, [join(ROOT, 'bin/mariadono.js'), 'start'], { cwd: dir, env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    wrapper.stdout!.on('data', (d) => (stdout += String(d)));
    wrapper.stderr!.on('data', (d) => (stderr += String(d)));
    const done = exited(wrapper);
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/health`, 60_000);
      expect(health.status).toBe(200);
      const qr = await waitFor(`http://127.0.0.1:${botPort}/`, 30_000);
      expect(qr.status).toBe(404);
      expect(await qr.text()).toMatch(/No hay ningún código QR pendiente/);
    } catch (err) {
      wrapper.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    const [server] = childrenOf(wrapper.pid!);
    expect(server, 'the wrapper runs the server as its child').toBeGreaterThan(0);
    expect(stderr).toContain('JWT_SECRET is not set');

    wrapper.kill('SIGTERM');
    const { code } = await done;
    expect(code).toBe(0);
    for (let i = 0; i < 40 && alive(server!); i++) await new Promise((r) => setTimeout(r, 250));
    expect(alive(server!), 'the server process is gone').toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(stdout).not.toMatch(/⚡|ERROR AUTH|^undefined$/m);
    expect(stderr).not.toMatch(/ENOENT|uncaught/i);
  }, 120_000);

  it('Ctrl-C under `npm start` ends with status 0, not 130', async () => {
    const dir = tempDir('mariadono-npmstart-');
    const port = await freePort();
    // Its own process group, like a terminal's foreground job: Ctrl-C signals the whole group.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: { ...BASE_ENV, HOME: process.env.HOME, STORAGE_DIR: join(dir, 'storage'), HTTP_PORT: String(port), WHATSAPP_ENABLED: 'false', LOG_LEVEL: 'warn', JWT_SECRET: 'x'.repeat(40) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    npm.stderr!.on('data', (d) => (stderr += String(d)));
    const done = exited(npm);
    try {
      expect((await waitFor(`http://127.0.0.1:${port}/health`, 60_000)).status).toBe(200);
    } catch (err) {
      process.kill(-npm.pid!, 'SIGKILL');
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    process.kill(-npm.pid!, 'SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
  }, 120_000);
});

describe('mariadono chat and replay', () => {
  it('keeps log lines out of the conversation: the log goes to a file, the terminal shows only the chat', () => {
    const r = runCli(['chat', '--as', '+34600000001', '--name', 'Ana'], 'hola\n2\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').every((l) => l.startsWith('bot> ') || l.startsWith('     '))).toBe(true);
    expect(r.stderr).not.toMatch(/"level"|"msg"/);
    const log = readFileSync(join(r.dir, 'storage', 'logs', 'chat.log'), 'utf8');
    expect(log).toMatch(/"msg":"migrations applied"/);
  }, 60_000);

  it('accepts a replay file that starts with a UTF-8 byte-order mark', () => {
    const file = eventsFile([msg('BOM1', 'hola')]);
    writeFileSync(file, `\uFEFF${readFileSync(file, 'utf8')}`);
    expect(readFileSync(file)[0]).toBe(0xef);
    const r = runCli(['replay', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).length).toBeGreaterThan(0);
  }, 60_000);
});
