import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { createLogger, silentLogger } from '../src/logger.ts';
import { createReplayHarness } from '../src/transport/replay/harness.ts';

/**
 * bench/groups: a full group sync (what runs on every connect, on GROUP_SYNC_CRON and on
 * `/grupo sincronizar`) of G groups × M members through the replay socket's
 * `groupFetchAllParticipating` → adapter → ingest → SQLite, twice: the first sync creates every
 * group, member, membership event and client mapping; the second (10 % of the members replaced)
 * is the steady state. A tenth of the members are known clients, so automatic mapping has work.
 *
 *   npm run bench -- groups [--groups 500] [--members 1000]
 *
 * The last line printed is one JSON object with the figures of the first sync.
 */

function argOf(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

const T0 = 1732420000;
const CLIENT_EVERY = 10;
const phone = (n: number) => String(34_600_000_000 + n);
const jid = (n: number) => `${phone(n)}@s.whatsapp.net`;

/** Group g has members g*members … g*members+members-1 (shifted by `shift` for the second sync). */
function makeGroups(groups: number, members: number, shift: number) {
  return Array.from({ length: groups }, (_, g) => {
    const base = g * members;
    const participants = Array.from({ length: members }, (_, i) => {
      const n = i < members / 10 ? base + i + shift : base + i;
      return { id: jid(n), admin: i === 0 ? 'superadmin' : i < 3 ? 'admin' : null };
    });
    return { id: `1203630${String(g).padStart(8, '0')}@g.us`, subject: `Grupo ${g}`, owner: jid(base), creation: T0 - 86400, participants };
  });
}

const count = async (h: { orm: { em: { fork(): { getConnection(): { execute(sql: string): Promise<unknown> } } } } }, table: string, where = '') =>
  Number(((await h.orm.em.fork().getConnection().execute(`select count(*) as n from ${table} ${where}`)) as Array<{ n: number }>)[0]!.n);

export async function run(args: string[] = []): Promise<void> {
  const groups = argOf(args, 'groups', 500);
  const members = argOf(args, 'members', 1000);
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-bench-groups-'));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WHATSAPP_ENABLED: 'false', STORAGE_DIR: join(dir, 'storage'), DATABASE_URL: `sqlite:${join(dir, 'groups.sqlite')}` });
  const logger = process.env.BENCH_LOG ? createLogger({ level: 'debug', pretty: false }) : silentLogger();
  const h = await createReplayHarness({ config, logger, start: new Date(T0 * 1000) });
  try {
    out(`bench/groups: full sync of ${groups} groups × ${members} members, SQLite (WAL) in ${tmpdir()}`);
    // Known clients (every tenth member), inserted before timing.
    const conn = h.orm.em.fork().getConnection();
    const total = groups * members;
    for (let start = 0; start < total; start += 5000) {
      const values: string[] = [];
      for (let n = start; n < Math.min(total, start + 5000); n += CLIENT_EVERY) values.push(`('${phone(n)}', 'Cliente ${n}', 'client', ${T0 * 1000}, ${T0 * 1000})`);
      if (values.length) await conn.execute(`insert into usuarios ("phoneNumber", nombre, user_type, created_at, updated_at) values ${values.join(', ')}`);
    }
    const sync = async (shift: number) => {
      h.socket.setGroups(makeGroups(groups, members, shift) as never);
      h.clock.advance(60_000);
      const started = performance.now();
      const cpu = process.cpuUsage();
      await h.services.groups.syncWhatsAppGroups();
      const used = process.cpuUsage(cpu);
      return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
    };
    const { wall: first, cpu: firstCpu } = await sync(0);
    const rows = { groups: await count(h, 'whatsapp_groups'), members: await count(h, 'whatsapp_group_members'), events: await count(h, 'whatsapp_group_member_events'), mappings: await count(h, 'whatsapp_group_cliente_mapping') };
    const written = rows.groups + rows.members + rows.events + rows.mappings;
    out(`  first sync: ${first.toFixed(2)} s — ${rows.groups} groups, ${rows.members} members, ${rows.events} membership events, ${rows.mappings} mappings (${Math.round(written / first)} rows/s; ${firstCpu.toFixed(2)} s of CPU in this process)`);
    const { wall: second, cpu: secondCpu } = await sync(total);
    const left = await count(h, 'whatsapp_group_members', "where member_status = 'left'");
    out(`  second sync (10 % of members replaced): ${second.toFixed(2)} s (${secondCpu.toFixed(2)} s CPU) — ${left} members marked left`);
    if (rows.groups !== groups || rows.members !== total || left !== Math.round(total / 10) * 1) {
      out('  ERROR: unexpected row counts');
      process.exitCode = 1;
    }
    out(JSON.stringify({ bench: 'groups', groups, members, seconds: Number(first.toFixed(2)), rows_per_s: Math.round(written / first), cpu_seconds: Number(firstCpu.toFixed(2)), resync_seconds: Number(second.toFixed(2)) }));
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
