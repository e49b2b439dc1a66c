import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { replyMessageId } from '../../src/modules/messaging/replies.ts';
import { createRng as mulberry32 } from './fuzz.ts';

/**
 * The crash test of replies (used by tests/transport/crash-replies.test.ts, small, and by
 * `npm run bench -- crash-replies`, long): a real `mariadono replay` process over a file of
 * customer messages and admin commands is killed with SIGKILL at random moments and started
 * again on the same database until one run finishes. Then, from everything the runs printed
 * (each send is on stdout before its row can say `sent`) and the database:
 *
 * - `unanswered`: answerable messages with no reply sent, or not marked done;
 * - `double_answered`: messages answered by two different sends at one position (same id,
 *   different content), by a send the final log does not know, or commands run twice;
 * - `phantom_sent`: rows that say `sent` for a message no run ever printed;
 * - `resent_same_id`: a reply printed again under its same id (kill between the socket taking
 *   it and its row saying `sent`): WhatsApp treats a repeated id as the same message.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const T0 = 1_732_420_000;
export const CRASH_ADMIN = '34600000999';

export interface CrashResult {
  bench: 'crash-replies';
  messages: number;
  kills: number;
  runs: number;
  unanswered: number;
  double_answered: number;
  phantom_sent: number;
  resent_same_id: number;
  seconds: number;
  /** Why each doubled message counts (for a failing assertion to explain itself). */
  doubled_why?: string[];
}

const TEXTS = ['hola', '2', 'ALTA', 'BAJA', 'menú', '1', 'gracias', 'qué tal', 'STOP', 'mis pedidos'];
const COMMANDS = ['/ayuda', '/rol lista', '/rol permisos manager', '/auditoria ver limite=5'];

/** A replay file: `messages` 1:1 messages from many customers (and commands from the admin). */
export function crashEventsFile(dir: string, messages: number, seed = 7): { file: string; ids: string[] } {
  const rnd = mulberry32(seed);
  const lines: string[] = [];
  const ids: string[] = [];
  const customers = Math.max(3, Math.ceil(messages / 4));
  for (let i = 0; i < messages; i++) {
    const command = rnd() < 0.15;
    const phone = command ? CRASH_ADMIN : `3460${String(1_000_000 + Math.floor(rnd() * customers)).slice(1)}`;
    const text = command ? COMMANDS[Math.floor(rnd() * COMMANDS.length)]! : TEXTS[Math.floor(rnd() * TEXTS.length)]!;
    const id = `CRASH${String(i).padStart(6, '0')}`;
    ids.push(id);
    lines.push(JSON.stringify({
      type: 'messages.upsert',
      data: { type: 'notify', messages: [{ key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false, id }, messageTimestamp: T0 + i, pushName: `C${phone.slice(-3)}`, message: { conversation: text } }] },
    }));
  }
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, ids };
}

interface Printed {
  id: string;
  to: string;
  content: unknown;
}

/**
 * One run; `kill`: SIGKILL it once it has printed `afterSends` sends plus `delayMs` (so kills land
 * while messages are being answered, not during start-up), or null to let it finish.
 */
function runOnce(file: string, db: string, storage: string, kill: { afterSends: number; delayMs: number } | null): Promise<{ printed: Printed[]; code: number | null; killed: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, [join(ROOT, 'src/cli.ts'), 'replay', file, '--db', `sqlite:${db}`], {
      cwd: storage,
      env: { PATH: process.env.PATH, STORAGE_DIR: storage, LOG_LEVEL: 'silent', NODE_ENV: 'test', ADMIN_PHONES: `+${CRASH_ADMIN}`, REPLY_MAX_AGE: '1h' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let killed = false;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (kill && !timer && (out.match(/\n/g)?.length ?? 0) >= kill.afterSends) {
        timer = setTimeout(() => (killed = child.kill('SIGKILL')), kill.delayMs);
      }
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const printed: Printed[] = [];
      for (const line of out.split('\n')) {
        if (!line.trim()) continue;
        try {
          const j = JSON.parse(line) as { type: string; id: string; to: string; content: unknown };
          if (j.type === 'send') printed.push({ id: j.id, to: j.to, content: j.content });
        } catch {
          // A line cut by the kill cannot be: each send is one write. Counted as a problem below.
          printed.push({ id: '(torn line)', to: '', content: line });
        }
      }
      resolvePromise({ printed, code, killed });
    });
  });
}

export async function runCrashReplies(opts: { messages: number; kills: number; seed?: number; maxSends?: number; log?: (s: string) => void }): Promise<CrashResult> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-crash-'));
  const rnd = mulberry32((opts.seed ?? 7) * 31 + 1);
  try {
    const { file, ids } = crashEventsFile(dir, opts.messages, opts.seed);
    const db = join(dir, 'crash.sqlite');
    const storage = join(dir, 'storage');
    mkdirSync(storage, { recursive: true });
    const printed: Printed[] = [];
    let kills = 0;
    let runs = 0;
    for (;;) {
      const maxSends = opts.maxSends ?? Math.max(2, Math.floor(opts.messages / (opts.kills + 1)));
      const killAt = kills < opts.kills ? { afterSends: 1 + Math.floor(rnd() * maxSends), delayMs: Math.floor(rnd() * 40) } : null;
      const r = await runOnce(file, db, storage, killAt);
      runs++;
      printed.push(...r.printed);
      if (r.killed && r.code !== 0) {
        kills++;
        opts.log?.(`run ${runs}: killed ${killAt!.delayMs} ms after send ${killAt!.afterSends} (${r.printed.length} sends printed)`);
        continue;
      }
      opts.log?.(`run ${runs}: finished with exit ${r.code} (${r.printed.length} sends printed)`);
      if (r.code !== 0) throw new Error(`replay run ${runs} failed with exit code ${r.code}`);
      break;
    }

    const sql = new DatabaseSync(db, { readOnly: true });
    const inbound = sql.prepare(`select message_id, reply_state, body from conversations_log where message_direction = 'inbound'`).all() as Array<{ message_id: string; reply_state: string | null; body: string }>;
    const outbound = sql.prepare(`select message_id, reply_to, delivery_status, body from conversations_log where message_direction = 'outbound'`).all() as Array<{ message_id: string; reply_to: string | null; delivery_status: string; body: string | null }>;
    const audits = sql.prepare(`select details from audit_log where outcome = 'allowed' and details like '%"msg":%'`).all() as Array<{ details: string }>;
    sql.close();

    const byId = new Map(outbound.map((o) => [o.message_id, o]));
    const printedIds = new Map<string, unknown[]>();
    for (const p of printed) printedIds.set(p.id, [...(printedIds.get(p.id) ?? []), JSON.stringify(p.content)]);
    const sentFor = new Map<string, number>();
    for (const o of outbound) if (o.reply_to && o.delivery_status === 'sent') sentFor.set(o.reply_to, (sentFor.get(o.reply_to) ?? 0) + 1);

    let unanswered = 0;
    for (const id of ids) {
      const row = inbound.find((r) => r.message_id === id);
      if (!row || row.reply_state !== 'done' || !printedIds.has(replyMessageId(id, 0))) unanswered++;
    }
    const doubled = new Set<string>();
    const why: string[] = [];
    for (const [id, contents] of printedIds) {
      const row = byId.get(id);
      if (!row || new Set(contents).size > 1) {
        doubled.add(row?.reply_to ?? id);
        why.push(row ? `${id} printed with ${new Set(contents).size} contents: ${[...new Set(contents)].join(' | ').slice(0, 400)}` : `${id} printed but not in the log`);
      }
    }
    const perMsg = new Map<string, number>();
    for (const a of audits) {
      const msg = (JSON.parse(a.details) as { msg?: string }).msg;
      if (msg) perMsg.set(msg, (perMsg.get(msg) ?? 0) + 1);
    }
    for (const [msg, n] of perMsg) {
      if (n > 1) {
        doubled.add(msg);
        why.push(`${msg}: command audited ${n} times`);
      }
    }
    const phantom = outbound.filter((o) => o.delivery_status === 'sent' && !printedIds.has(o.message_id)).length;
    const resent = [...printedIds.values()].reduce((n, c) => n + c.length - 1, 0);
    return {
      bench: 'crash-replies',
      messages: ids.length,
      kills,
      runs,
      unanswered,
      double_answered: doubled.size,
      phantom_sent: phantom,
      resent_same_id: resent,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      ...(why.length ? { doubled_why: why } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
