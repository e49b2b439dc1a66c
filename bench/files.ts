import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { bootCore } from '../src/app.ts';
import { withEm } from '../src/db/orm.ts';
import { ensureUser } from '../src/modules/identity/identity.service.ts';
import type { Actor } from '../src/modules/files/files.service.ts';
import { ConversationLog } from '../src/modules/messaging/conversation-log.entity.ts';

/**
 * bench/files: the data-rights and archive paths on SQLite at a chosen scale.
 *   1. archive one client's N messages to JSON with `move` (out of conversations_log), then
 *      restore them exactly — messages per second each way;
 *   2. erase that client from a database holding `--others` other clients' messages (each one
 *      mentioning nobody): the erasure scans every text column of every table once, so its time
 *      grows with the whole database, not with the client.
 *
 *   npm run bench -- files [--messages 20000] [--others 100000]
 *
 * The last line printed is one JSON object with the figures.
 */

function argOf(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

export async function run(args: string[]): Promise<void> {
  const messages = argOf(args, 'messages', 20_000);
  const others = argOf(args, 'others', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-bench-files-'));
  const app = await bootCore(loadConfig({ STORAGE_DIR: dir, LOG_LEVEL: 'silent', WHATSAPP_ENABLED: 'false' }), silentLogger());
  const actor: Actor = { userId: null, phone: null, channel: 'cli' };
  try {
    const client = await withEm(app.orm, async (em) => {
      const { user } = await ensureUser(em, '34699000001', { nombre: 'Bench Cliente' });
      const { user: other } = await ensureUser(em, '34699000002', { nombre: 'Otra Persona' });
      await em.flush();
      const insert = async (clienteId: number, phone: string, n: number, prefix: string) => {
        for (let start = 0; start < n; start += 1000) {
          const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
            const i = start + k;
            return { cliente: clienteId, from: phone, date: new Date(Date.UTC(2026, 0, 1) + i * 1000), body: `mensaje ${i} con algo de texto`, messageType: 'text', messageId: `${prefix}${i}`, messageDirection: 'inbound', origin: 'customer', createdAt: new Date() };
          });
          await em.insertMany(ConversationLog, rows as never);
        }
      };
      await insert(user.id, user.phoneNumber, messages, 'B');
      await insert(other.id, other.phoneNumber, others, 'O');
      return user;
    });
    let t = performance.now();
    const { archive } = await withEm(app.orm, (em) => app.services.files.archiveConversation(em, actor, client.id, { from: new Date(Date.UTC(2025, 0, 1)), to: new Date(Date.UTC(2027, 0, 1)), format: 'json', move: true }));
    const archiveMs = performance.now() - t;
    t = performance.now();
    const { restored } = await withEm(app.orm, (em) => app.services.files.restoreArchive(em, actor, archive.archiveId));
    const restoreMs = performance.now() - t;
    if (restored !== messages) throw new Error(`restored ${restored} of ${messages}`);
    t = performance.now();
    const erased = await withEm(app.orm, (em) => app.services.privacy.eraseClient(em, actor, client.id));
    const eraseMs = performance.now() - t;
    const out = {
      bench: 'files',
      messages,
      others,
      archive_msgs_per_s: Math.round(messages / (archiveMs / 1000)),
      restore_msgs_per_s: Math.round(messages / (restoreMs / 1000)),
      erase_ms: Math.round(eraseMs),
      erased_rows: Object.values(erased.deletedRows).reduce((a, b) => a + b, 0),
    };
    console.log(`archive ${messages} msgs: ${Math.round(archiveMs)} ms; restore: ${Math.round(restoreMs)} ms; erase with ${others} other rows: ${Math.round(eraseMs)} ms`);
    console.log(JSON.stringify(out));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default run;
