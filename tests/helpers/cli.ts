import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createServer } from 'node:net';

/**
 * Running the `mariadono` CLI for real, in a child process with its own STORAGE_DIR, and
 * building replay files. `cleanupCliDirs()` in an afterAll removes every folder made here.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const dirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export const cleanupCliDirs = () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));

/**
 * Runs the CLI. `natural`: through runCli without src/cli.ts's final process.exit, so the child
 * ends only if the command left nothing running (timers, sockets, servers, open handles).
 */
export function runCli(args: string[], input?: string, opts: { natural?: boolean } = {}) {
  const dir = tempDir('mariadono-cli-');
  const script = join(dir, 'natural.mjs');
  writeFileSync(script, `import { runCli } from ${JSON.stringify(join(ROOT, 'src/cli.ts'))};\nprocess.exitCode = await runCli(process.argv.slice(2));\n`);
  const res = spawnSync(NODE, [opts.natural ? script : join(ROOT, 'src/cli.ts'), ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, STORAGE_DIR: join(dir, 'storage'), LOG_LEVEL: 'info', NODE_ENV: 'test' },
    timeout: 30_000,
  });
  return { ...res, dir };
}

/** A TCP port nobody listens on right now (for real servers started by a test). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export const line = (type: string, data: unknown) => JSON.stringify({ type, data });

export const msg = (id: string, text: string, ts = 1732420000) =>
  line('messages.upsert', { type: 'notify', messages: [{ key: { remoteJid: '34600000001@s.whatsapp.net', fromMe: false, id }, messageTimestamp: ts, pushName: 'Ana', message: { conversation: text } }] });

export const photo = (id: string, mediaFile: string) =>
  line('messages.upsert', { type: 'notify', messages: [{ key: { remoteJid: '34600000001@s.whatsapp.net', fromMe: false, id }, messageTimestamp: 1732420000, message: { imageMessage: { mimetype: 'image/png' } }, mediaFile }] });

/** Every stdout line parsed as JSON (throws on any line that is not). */
export const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; to: string; content: object });

/** A replay file in a folder of its own; `extra` may add media files next to it. */
export function eventsFile(lines: string[], extra?: (dir: string) => void): string {
  const dir = tempDir('mariadono-events-');
  extra?.(dir);
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Read-only query on the SQLite database a CLI run left in its STORAGE_DIR. */
export function query<T = Record<string, unknown>>(runDir: string, sql: string): T[] {
  const db = new DatabaseSync(join(runDir, 'storage', 'mariadono.sqlite'), { readOnly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
