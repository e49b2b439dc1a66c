import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error autocannon ships no types; the little used here is typed below (AutocannonResult).
import autocannonUntyped from 'autocannon';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { bootCore } from '../src/app.ts';
import { buildServer } from '../src/http/server.ts';
import { withEm } from '../src/db/orm.ts';
import { ConversationLog } from '../src/modules/messaging/conversation-log.entity.ts';
import { WebhookInbox } from '../src/modules/meta/webhook-inbox.entity.ts';
import { envelope, messagesChange, sign, textMessage, TEST_APP_SECRET, TEST_PHONE_NUMBER_ID } from '../tests/helpers/meta.ts';

/**
 * bench/webhooks: the real sidecar (SQLite in a temp dir) on 127.0.0.1 in a child process, driven
 * by autocannon from this process with correctly signed Meta deliveries, each a distinct message
 * id so storage is exercised. Then the inbox is drained and every delivery answered 200 must have
 * become a conversations_log row ("lost" counts those that did not: must be 0). The same load
 * then hits a bare Fastify route that does nothing, for the ratio. Traffic stays on loopback.
 *
 *   node bench/run.ts webhooks [--requests 20000] [--connections 20] [--ack-only]
 *   node bench/webhooks.ts      [--requests 20000] [--connections 20] [--ack-only]
 *
 * By default the worker processes deliveries while the load runs (the production setup), so the
 * figure is sustained end-to-end throughput; --ack-only pauses it to measure the intake alone.
 *
 * The last line printed is one JSON object with the figures.
 */

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const SELF = fileURLToPath(import.meta.url);
const ID_PREFIX = 'wamid.BENCH';

interface Reply {
  type: string;
  [k: string]: unknown;
}

function argOf(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

// ---- child: the server under test ---------------------------------------------------------

async function serve(kind: string, dir: string, ackOnly: boolean): Promise<void> {
  const send = (m: Reply) => process.send!(m);
  if (kind === 'bare') {
    const app = Fastify();
    app.post('/bare', async () => ({ status: 'ok' }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    send({ type: 'ready', url });
    process.on('message', async (m: Reply) => {
      if (m.type === 'exit') {
        await app.close();
        process.exit(0);
      }
    });
    return;
  }
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    STORAGE_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    META_APP_SECRET: TEST_APP_SECRET,
    // Deliveries for any other number are stored but not ingested.
    META_PHONE_NUMBER_ID: TEST_PHONE_NUMBER_ID,
    WHATSAPP_ENABLED: 'false',
    // The limiter stays on (its cost is part of the figure) with a ceiling the bench never reaches.
    WEBHOOK_RATE_LIMIT: '100000000',
  });
  const app = await bootCore(config, silentLogger());
  const http = await buildServer({ config, logger: silentLogger(), orm: app.orm, services: app.services });
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  if (ackOnly) await app.services.meta.worker.stop();
  send({ type: 'ready', url });
  process.on('message', async (m: Reply) => {
    if (m.type === 'drain') {
      const t0 = performance.now();
      if (ackOnly) app.services.meta.worker.start();
      await app.services.meta.worker.drain(15 * 60_000);
      await app.services.ingest.drain();
      const drainMs = performance.now() - t0;
      const counts = await withEm(app.orm, async (em) => ({
        logged: await em.count(ConversationLog, { messageId: { $like: `${ID_PREFIX}%` } } as never),
        inboxTotal: await em.count(WebhookInbox, {}),
        inboxDone: await em.count(WebhookInbox, { status: 'done' } as never),
      }));
      send({ type: 'drained', drainMs, ...counts });
    }
    if (m.type === 'exit') {
      await http.close();
      await app.close();
      process.exit(0);
    }
  });
}

// ---- parent: the load generator ----------------------------------------------------------

function startChild(kind: string, dir: string, ackOnly = false): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(SELF, ['--serve', kind, dir, ackOnly ? 'ack-only' : 'live'], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
    child.once('message', (m: Reply) => (m.type === 'ready' ? resolve({ child, url: String(m.url) }) : reject(new Error(`unexpected ${m.type}`))));
  });
}

const ask = (child: ChildProcess, type: string, answer: string): Promise<Reply> =>
  new Promise((resolve) => {
    child.on('message', function onMessage(m: Reply) {
      if (m.type !== answer) return;
      child.off('message', onMessage);
      resolve(m);
    });
    child.send({ type });
  });

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'exit' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface Load {
  reqPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  stored: number;
  duplicate: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

async function drive(url: string, path: string, payloads: Array<{ payload: string; headers: Record<string, string> }>, connections: number): Promise<Load> {
  let next = 0;
  const outcome = { stored: 0, duplicate: 0 };
  // Own clock: first request built → last response read (autocannon's own window ends on a tick).
  let first = 0;
  let last = 0;
  const result = await autocannon({
    url,
    connections,
    amount: payloads.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req: Record<string, unknown>) => {
          if (!first) first = performance.now();
          const p = payloads[next++ % payloads.length]!;
          return { ...req, body: p.payload, headers: p.headers };
        },
        onResponse: (status: number, body: string) => {
          last = performance.now();
          if (status !== 200) return;
          const s = (JSON.parse(body) as { status?: string }).status;
          if (s === 'stored') outcome.stored++;
          else if (s === 'duplicate') outcome.duplicate++;
        },
      },
    ],
  });
  const seconds = (last - first) / 1000;
  return {
    // Completed requests over wall time (autocannon's per-second average is coarse on short runs).
    reqPerSec: seconds > 0 ? (result['2xx'] + result.non2xx) / seconds : result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    stored: outcome.stored,
    duplicate: outcome.duplicate,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds,
  };
}

export async function run(args: string[] = []): Promise<void> {
  const requests = argOf(args, 'requests', 20_000);
  const connections = argOf(args, 'connections', 20);
  // --ack-only: the worker is paused during the load (inbox absorbs the burst), then drained.
  const ackOnly = args.includes('--ack-only');
  const dir = mkdtempSync(join(tmpdir(), 'mariadono-bench-'));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    // 1 000 customers, one distinct message per request, signed once up front (not in the timed loop).
    const payloads = Array.from({ length: requests }, (_, i) => {
      const from = String(34_600_000_000 + (i % 1000));
      return sign(envelope([messagesChange({ contacts: [{ wa_id: from, name: `Cliente ${i % 1000}` }], messages: [textMessage({ from, id: `${ID_PREFIX}${i}`, body: `pedido ${i}` })] })]));
    });
    out(`bench/webhooks: ${requests} signed deliveries, ${connections} connections, 127.0.0.1 (server in a child process, SQLite${ackOnly ? ', worker paused during the load' : ''})`);

    const server = await startChild('webhooks', dir, ackOnly);
    const hook = await drive(server.url, '/webhooks/meta', payloads, connections);
    out(`  webhook: ${hook.reqPerSec.toFixed(0)} req/s, p50 ${hook.p50} ms, p99 ${hook.p99} ms, 2xx ${hook.ok} (stored ${hook.stored}, duplicate ${hook.duplicate}), non-2xx ${hook.non2xx}, errors ${hook.errors}, ${hook.seconds.toFixed(1)} s`);
    const drained = await ask(server.child, 'drain', 'drained');
    await stop(server.child);
    const logged = Number(drained.logged);
    const lost = Math.max(0, hook.stored - logged);
    out(`  drain: ${(Number(drained.drainMs) / 1000).toFixed(1)} s after the load; inbox ${drained.inboxDone}/${drained.inboxTotal} done; ${logged} messages logged; lost ${lost}`);

    const bare = await startChild('bare', dir);
    const plain = await drive(bare.url, '/bare', payloads, connections);
    await stop(bare.child);
    out(`  bare Fastify route: ${plain.reqPerSec.toFixed(0)} req/s, p50 ${plain.p50} ms, p99 ${plain.p99} ms, errors ${plain.errors}`);
    const ratio = plain.reqPerSec > 0 ? hook.reqPerSec / plain.reqPerSec : 0;
    out(`  ratio webhook/bare: ${ratio.toFixed(3)}`);
    out(JSON.stringify({
      bench: 'webhooks',
      requests,
      req_per_s: Math.round(hook.reqPerSec),
      p50_ms: hook.p50,
      p99_ms: hook.p99,
      lost,
      ratio_vs_bare: Number(ratio.toFixed(3)),
    }));
    if (lost > 0 || hook.non2xx > 0 || hook.errors > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default run;

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  await serve(process.argv[serveAt + 1]!, process.argv[serveAt + 2]!, process.argv[serveAt + 3] === 'ack-only');
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2));
}
