import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { bootCore } from '../src/app.ts';
import { createReplayHarness } from '../src/transport/replay/harness.ts';

/**
 * bench/ingest: N WhatsApp messages (1 000 customers) fed as Baileys `messages.upsert` history
 * batches through the replay seam — adapter → ingest pipeline → SQLite, the code path of a live
 * socket — then the same conversations_log rows inserted with better-sqlite3 directly in one
 * transaction, for the ratio. History (`append`) is logged but never answered, so the figure is
 * the logging pipeline alone.
 *
 *   npm run bench -- ingest [--messages 100000] [--batch 500]
 *
 * The last line printed is one JSON object with the figures.
 */

import { argOf, Database } from './lib/raw.ts';

const CUSTOMERS = 1000;
const T0 = 1732420000;
const phoneOf = (i: number) => String(34_600_000_000 + (i % CUSTOMERS));
const textOf = (i: number) => `Hola, quería saber el estado de mi pedido número ${i}`;

function makeBatches(n: number, batch: number) {
  const out: unknown[] = [];
  for (let start = 0; start < n; start += batch) {
    const messages = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      messages.push({
        key: { remoteJid: `${phoneOf(i)}@s.whatsapp.net`, fromMe: false, id: `BENCH${i}` },
        messageTimestamp: T0 + Math.floor(i / 10),
        pushName: `Cliente ${i % CUSTOMERS}`,
        message: { conversation: textOf(i) },
      });
    }
    out.push({ type: 'messages.upsert', data: { type: 'append', messages } });
  }
  return out;
}

async function pipeline(dir: string, n: number, batch: number): Promise<{ seconds: number; rows: number }> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WHATSAPP_ENABLED: 'false', STORAGE_DIR: join(dir, 'pipeline'), DATABASE_URL: `sqlite:${join(dir, 'pipeline.sqlite')}` });
  const harness = await createReplayHarness({ config, logger: silentLogger(), start: new Date(T0 * 1000) });
  try {
    const batches = makeBatches(n, batch); // built before timing
    const started = performance.now();
    for (const b of batches) await harness.feed(b);
    const seconds = (performance.now() - started) / 1000;
    const [{ n: rows }] = (await harness.orm.em.fork().getConnection().execute('select count(*) as n from conversations_log')) as Array<{ n: number }>;
    return { seconds, rows: Number(rows) };
  } finally {
    await harness.close();
  }
}

async function raw(dir: string, n: number): Promise<{ seconds: number; rows: number }> {
  const path = join(dir, 'raw.sqlite');
  // Same schema, seeds and pragmas as the app (migrated by the app itself), then plain inserts.
  const app = await bootCore(loadConfig({ LOG_LEVEL: 'silent', STORAGE_DIR: join(dir, 'raw'), DATABASE_URL: `sqlite:${path}` }), silentLogger());
  await app.close();
  const db = new Database(path);
  try {
    db.pragma('journal_mode = wal');
    db.pragma('foreign_keys = on');
    db.pragma('synchronous = normal');
    const addUser = db.prepare('insert into usuarios ("phoneNumber", nombre, user_type, role_id, last_message_at) values (?, ?, \'client\', (select role_id from user_roles where role_name = \'client\'), ?)');
    db.transaction(() => {
      for (let c = 0; c < CUSTOMERS; c++) addUser.run(phoneOf(c), `Cliente ${c}`, T0 * 1000);
    })();
    const channel = db.prepare("select channel_id as id from message_channels where channel_type = 'whatsapp' order by channel_id limit 1").get().id;
    const ids = new Map<string, number>();
    for (let c = 0; c < CUSTOMERS; c++) ids.set(phoneOf(c), db.prepare('select id from usuarios where "phoneNumber" = ?').get(phoneOf(c)).id);
    const rows = Array.from({ length: n }, (_, i) => [phoneOf(i), ids.get(phoneOf(i)), (T0 + Math.floor(i / 10)) * 1000, textOf(i), `BENCH${i}`, `${phoneOf(i)}@s.whatsapp.net`, channel]);
    const insert = db.prepare(
      'insert into conversations_log ("from", cliente_id, date, body, message_type, message_id, remote_jid, channel_id, platform_origin, message_direction, origin, created_at) ' +
        "values (?, ?, ?, ?, 'text', ?, ?, ?, 'baileys', 'inbound', 'customer', ?)",
    );
    const started = performance.now();
    db.transaction(() => {
      const now = Date.now();
      for (const r of rows) insert.run(...r, now);
    })();
    const seconds = (performance.now() - started) / 1000;
    return { seconds, rows: db.prepare('select count(*) as n from conversations_log').get().n };
  } finally {
    db.close();
  }
}

export async function run(args: string[] = []): Promise<void> {
  const n = argOf(args, 'messages', 100_000);
  const batch = argOf(args, 'batch', 500);
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-bench-ingest-'));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out(`bench/ingest: ${n} messages from ${CUSTOMERS} customers, messages.upsert batches of ${batch}, SQLite (WAL) in ${tmpdir()}`);
    const p = await pipeline(dir, n, batch);
    const pRate = n / p.seconds;
    out(`  pipeline (replay socket → adapter → ingest → SQLite): ${p.seconds.toFixed(2)} s, ${Math.round(pRate)} msgs/s, ${p.rows} rows`);
    const r = await raw(dir, n);
    const rRate = n / r.seconds;
    out(`  raw better-sqlite3 insert, one transaction:           ${r.seconds.toFixed(2)} s, ${Math.round(rRate)} msgs/s, ${r.rows} rows`);
    const ratio = pRate / rRate;
    out(`  ratio pipeline/raw: ${ratio.toFixed(3)}`);
    if (p.rows !== n || r.rows !== n) {
      out(`  ERROR: expected ${n} rows in both databases`);
      process.exitCode = 1;
    }
    out(JSON.stringify({ bench: 'ingest', messages: n, msgs_per_s: Math.round(pRate), raw_msgs_per_s: Math.round(rRate), ratio: Number(ratio.toFixed(4)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
