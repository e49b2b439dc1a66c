import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { bootCore } from '../src/app.ts';
import { withEm } from '../src/db/orm.ts';
import { ManualClock } from '../src/shared/clock.ts';
import type { Criteria } from '../src/modules/segments/criteria.ts';

/**
 * bench/segments: N clients with 10·N messages and N orders (SQLite; messages and orders in time
 * order from random clients, as production writes them; prepared better-sqlite3 inserts with the
 * secondary indexes dropped during the load and rebuilt after), then
 *   1. a dynamic segment using all four criteria groups is created and computed through the
 *      segments service (criteria → one parametrized query → incremental membership rows),
 *   2. the same membership is built by hand-written SQL run directly with better-sqlite3 on the
 *      same database (the baseline for the ratio),
 *   3. the five scores are computed for every client through the service: first (every row
 *      new), then as the next night's run (a day later: values move, every row is restamped).
 *
 *   npm run bench -- segments [--clients 1000000]
 *
 * The last line printed is one JSON object with the figures.
 */

import { argOf, Database, type RawDb } from './lib/raw.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T12:00:00Z');
const LOCATIONS = ['Madrid', 'Barcelona', 'Sevilla', 'Valencia', 'Bilbao', 'Alcalá de Henares (Madrid)'];
const STATES = ['pendiente', 'confirmado', 'enviado', 'entregado', 'entregado', 'entregado', 'cancelado'];

export const CRITERIA: Criteria = {
  demographic: { location: 'madrid', age_range: '18-65' },
  behavioral: { purchase_frequency: 'low' },
  engagement: { last_interaction_days: 90, message_count_threshold: 2, response_rate_min: 0.2 },
  transactional: { total_purchases: 1, total_spent: 20, last_purchase_days: 365 },
};

/** xorshift: fast and deterministic (the data set is the same on every run). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Secondary indexes of the bulk-loaded tables: dropped during the load, rebuilt after (much faster). */
function dropIndexes(db: RawDb): string[] {
  const idx = db.prepare("select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('usuarios', 'conversations_log', 'pedidos')").all() as Array<{ name: string; sql: string }>;
  for (const i of idx) db.exec(`drop index "${i.name}"`);
  return idx.map((i) => i.sql);
}

export function generate(db: RawDb, clients: number): void {
  const r = rng(42);
  const indexes = dropIndexes(db);
  const channel = db.prepare("select channel_id as id from message_channels where channel_type = 'whatsapp' order by channel_id limit 1").get().id;
  const addUser = db.prepare('insert into usuarios (id, "phoneNumber", nombre, user_type, location, birth_date, created_at, updated_at) values (?, ?, ?, \'client\', ?, ?, ?, ?)');
  const addMsg = db.prepare("insert into conversations_log (\"from\", cliente_id, date, body, message_type, message_id, channel_id, message_direction, created_at) values (?, ?, ?, 'hola', 'text', ?, ?, ?, ?)");
  const addOrder = db.prepare('insert into pedidos ("clienteId", estado, total, currency, created_at, updated_at) values (?, ?, ?, \'EUR\', ?, ?)');
  const base = 1_000_000;
  // Rows arrive as they would in production: users first, then messages and orders in time order
  // from random clients (so a client's rows are scattered over the table, not adjacent).
  db.transaction(() => {
    for (let i = 0; i < clients; i++) {
      const created = NOW.getTime() - Math.floor(r() * 900) * DAY;
      const birth = new Date(Date.UTC(1950 + Math.floor(r() * 55), Math.floor(r() * 12), 1 + Math.floor(r() * 28))).toISOString().slice(0, 10);
      addUser.run(base + i, String(34_700_000_000 + i), `Cliente ${i}`, LOCATIONS[Math.floor(r() * LOCATIONS.length)], birth, created, created);
    }
  })();
  const messages = clients * 10;
  const msgSpan = 200 * DAY;
  db.transaction(() => {
    for (let m = 0; m < messages; m++) {
      const i = Math.floor(r() * clients);
      const date = NOW.getTime() - msgSpan + Math.floor((m * msgSpan) / messages);
      addMsg.run(String(34_700_000_000 + i), base + i, date, `B${m}`, channel, r() < 0.55 ? 'inbound' : 'outbound', date);
    }
  })();
  const orderSpan = 500 * DAY;
  db.transaction(() => {
    for (let k = 0; k < clients; k++) {
      const i = Math.floor(r() * clients);
      const when = NOW.getTime() - orderSpan + Math.floor((k * orderSpan) / clients);
      addOrder.run(base + i, STATES[Math.floor(r() * STATES.length)], (Math.floor(r() * 20000) / 100).toFixed(2), when, when);
    }
  })();
  for (const ddl of indexes) db.exec(ddl);
  db.exec('analyze');
}

/** The same membership, written by hand: one INSERT … SELECT with the criteria inlined as SQL. */
function handWritten(db: RawDb, segmentId: string): number {
  const now = NOW.getTime();
  const since = (d: number) => now - d * DAY;
  const today = '2026-11-30';
  const sql = `
    with m as (select cliente_id, count(*) as n, max(date) as last_in from conversations_log
               where message_direction = 'inbound' and cliente_id is not null group by cliente_id),
         rr as (select cliente_id, sum(case when message_direction = 'outbound' then 1 else 0 end) as outb,
                       sum(case when message_direction = 'outbound' and nxt = 'inbound' then 1 else 0 end) as answered
                from (select cliente_id, message_direction, lead(message_direction) over (partition by cliente_id order by date, id) as nxt
                      from conversations_log where cliente_id is not null and date >= ${since(90)}) group by cliente_id),
         o as (select "clienteId" as cliente_id, count(*) as n, sum(cast(round(total * 100) as integer)) as cents, max(created_at) as last_order,
                      sum(case when created_at >= ${since(365)} then 1 else 0 end) as n365
               from pedidos where estado <> 'cancelado' group by "clienteId")
    insert into segment_members (member_id, segment_id, cliente_id, joined_date, is_active, reason_joined, created_at)
    select lower(hex(randomblob(16))), '${segmentId}', u.id, ${now}, 1, 'rule', ${now}
    from usuarios u join m on m.cliente_id = u.id join rr on rr.cliente_id = u.id join o on o.cliente_id = u.id
    where (instr(lower(u.location), 'madrid') > 0 or instr(lower(u.region), 'madrid') > 0)
      and u.birth_date <= '${String(2026 - 18)}${today.slice(4)}' and u.birth_date > '${String(2026 - 66)}${today.slice(4)}'
      and coalesce(o.n365, 0) <= 1
      and m.last_in >= ${since(90)} and m.n >= 2 and rr.outb > 0 and rr.answered >= 0.2 * rr.outb
      and o.n >= 1 and o.cents >= 2000 and o.last_order >= ${since(365)}`;
  let n = 0;
  db.transaction(() => {
    n = db.prepare(sql).run().changes;
    db.prepare('update customer_segments set total_customers = ?, active_customers = ?, last_updated = ? where segment_id = ?').run(n, n, now, segmentId);
  })();
  return n;
}

export async function run(args: string[] = []): Promise<void> {
  const clients = argOf(args, 'clients', 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-bench-segments-'));
  const path = join(dir, 'segments.sqlite');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const config = loadConfig({ LOG_LEVEL: 'silent', STORAGE_DIR: join(dir, 'storage'), DATABASE_URL: `sqlite:${path}` });
  try {
    out(`bench/segments: ${clients} clients, ${clients * 10} messages, ${clients} orders, SQLite (WAL) in ${tmpdir()}`);
    const setup = await bootCore(config, silentLogger());
    await setup.close();
    const db = new Database(path);
    db.pragma('journal_mode = wal');
    db.pragma('synchronous = normal');
    let t = performance.now();
    generate(db, clients);
    const dataSeconds = (performance.now() - t) / 1000;
    out(`  data generated in ${dataSeconds.toFixed(1)} s`);

    const app = await bootCore(config, silentLogger(), new ManualClock(NOW));
    let seconds: number;
    let members: number;
    let scored: number;
    let scoresSeconds: number;
    let nextDaySeconds: number;
    try {
      const admin = await withEm(app.orm, async (em) => {
        const [row] = await em.getConnection().execute<Array<{ id: number }>>("insert into usuarios (\"phoneNumber\", user_type) values ('34600000001', 'admin') returning id");
        return Number(row!.id);
      });
      t = performance.now();
      const res = await withEm(app.orm, (em) => app.services.segments.create(em, { name: 'bench', type: 'dynamic', criteria: CRITERIA, createdBy: admin, now: NOW }));
      seconds = (performance.now() - t) / 1000;
      members = res.counts.active;
      out(`  engine: dynamic segment (4 criteria groups) created and recomputed: ${seconds.toFixed(2)} s, ${members} members`);
      const again = performance.now();
      await withEm(app.orm, async (em) => app.services.segments.recompute(em, await app.services.segments.findByName(em, 'bench'), NOW));
      out(`  engine: incremental recompute with nothing changed: ${((performance.now() - again) / 1000).toFixed(2)} s`);
      t = performance.now();
      scored = await app.services.segments.computeScores(NOW);
      scoresSeconds = (performance.now() - t) / 1000;
      out(`  scores: 5 scores for ${scored} clients, first computation (every row new): ${scoresSeconds.toFixed(2)} s`);
      // The nightly run: a day later every time-based factor moves, so many values change.
      const tomorrow = new Date(NOW.getTime() + DAY);
      t = performance.now();
      await app.services.segments.computeScores(tomorrow);
      nextDaySeconds = (performance.now() - t) / 1000;
      const changed = await withEm(app.orm, async (em) => Number((await em.getConnection().execute<Array<{ n: number }>>('select count(*) as n from customer_scores where updated_at = ?', [tomorrow.getTime()]))[0]!.n));
      out(`  scores: the next night's run (every row restamped): ${nextDaySeconds.toFixed(2)} s (${changed} rows)`);
    } finally {
      await app.close();
    }

    const segmentId = '00000000-0000-4000-8000-000000000001';
    db.prepare("insert into customer_segments (segment_id, segment_name, segment_type, created_by_user_id, total_customers, active_customers, is_active, created_at, updated_at) values (?, 'hand', 'dynamic', (select id from usuarios where \"phoneNumber\" = '34600000001'), 0, 0, 1, ?, ?)").run(segmentId, NOW.getTime(), NOW.getTime());
    t = performance.now();
    const handMembers = handWritten(db, segmentId);
    const sqlSeconds = (performance.now() - t) / 1000;
    db.close();
    out(`  hand-written SQL (better-sqlite3, one INSERT … SELECT): ${sqlSeconds.toFixed(2)} s, ${handMembers} members`);
    if (handMembers !== members) {
      out(`  ERROR: the engine found ${members} members, the hand-written SQL ${handMembers}`);
      process.exitCode = 1;
    }
    const ratio = seconds / sqlSeconds;
    const peak = Math.round(process.resourceUsage().maxRSS / 1024);
    out(`  ratio engine/hand-written: ${ratio.toFixed(3)}; peak RSS ${peak} MB`);
    out(JSON.stringify({ bench: 'segments', clients, seconds: Number(seconds.toFixed(3)), sql_seconds: Number(sqlSeconds.toFixed(3)), ratio: Number(ratio.toFixed(3)), scores_seconds: Number(scoresSeconds.toFixed(3)), scores_next_day_seconds: Number(nextDaySeconds.toFixed(3)), peak_rss_mb: peak, data_seconds: Number(dataSeconds.toFixed(1)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
