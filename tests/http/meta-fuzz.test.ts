import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable } from '../helpers/db.ts';
import { silentLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { dedupeKeyOf } from '../../src/modules/meta/signature.ts';
import { classifyEnvelope } from '../../src/modules/meta/map-payload.ts';
import { parseWebhookBody } from '../../src/modules/meta/payload.ts';
import { WebhookInbox } from '../../src/modules/meta/webhook-inbox.entity.ts';
import { ConversationLog } from '../../src/modules/messaging/conversation-log.entity.ts';
import { envelope, messagesChange, sign, textMessage, wamid } from '../helpers/meta.ts';
import { startMockGraph, type MockGraph } from '../helpers/mock-graph.ts';
import { createRng } from '../helpers/fuzz.ts';
import { fork } from '../modules/meta/rows.ts';
import { startTestServer, type TestServer } from './setup.ts';

/**
 * Property-style: correctly signed but malformed deliveries of many shapes (random JSON, missing
 * fields, wrong types, absurd lengths, huge arrays) never crash the handler or the worker; every
 * stored delivery ends `done`, its unusable items noted with a reason, and the worker keeps
 * processing good deliveries afterwards. Seeded, so a failure reproduces.
 */

const KEYS = ['id', 'from', 'type', 'text', 'body', 'image', 'document', 'caption', 'mime_type', 'sha256', 'filename', 'interactive', 'button_reply', 'title',
  'reaction', 'emoji', 'message_id', 'location', 'latitude', 'contacts', 'phones', 'wa_id', 'profile', 'name', 'context', 'status', 'timestamp', 'errors', 'code',
  'event', 'reason', 'message_template_id', 'message_template_name', 'other_info', 'system'];
const TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'interactive', 'button', 'reaction', 'location', 'contacts', 'system', 'order', 'unsupported'];
const STATUSES = ['sent', 'delivered', 'read', 'failed', 'deleted', 'warning'];

function generator(seed: number) {
  const r = createRng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const str = (): string => pick([
    () => '', () => 'hola', () => '¿qué tal? 👋 ñ', () => String(int(1e12)), () => 'x'.repeat(200 + int(3000)), () => '\u0000\u202e\ud800', () => '{"a":1}', () => 'NONE',
  ])();
  const value = (depth = 0): unknown => {
    const k = int(depth > 2 ? 6 : 9);
    if (k === 0) return null;
    if (k === 1) return r() < 0.5;
    if (k === 2) return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 17e11]);
    if (k <= 5) return str();
    if (k === 6) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(KEYS), value(depth + 1)]));
  };
  /** A real-looking item with some fields replaced by random values or removed. */
  const mutate = (base: Record<string, unknown>): unknown => {
    if (r() < 0.1) return value();
    const out: Record<string, unknown> = { ...base };
    for (const key of Object.keys(out)) {
      const p = r();
      if (p < 0.25) out[key] = value();
      else if (p < 0.35) delete out[key];
    }
    if (r() < 0.3) out[pick(KEYS)] = value();
    return out;
  };
  const message = () => {
    const type = pick(TYPES);
    return mutate({ from: `3461300${String(int(1000)).padStart(4, '0')}`, id: `wamid.FZ${seed}_${int(1e9)}`, timestamp: String(1_800_000_000 + int(1e6)), type, [type]: value() });
  };
  const status = () => mutate({ id: `wamid.FZS${int(1e9)}`, status: pick(STATUSES), timestamp: String(1_800_000_000 + int(1e6)), recipient_id: '34613000001', errors: value() });
  const change = (): unknown => {
    const field = pick(['messages', 'messages', 'messages', 'message_template_status_update', 'account_update', value()]);
    if (r() < 0.15) return { field, value: value() };
    if (field === 'message_template_status_update') {
      return { field, value: mutate({ event: pick(['APPROVED', 'REJECTED', 'PAUSED', 'FLAGGED', 'x']), message_template_id: int(1e6), message_template_name: str(), reason: value() }) };
    }
    const big = r() < 0.05;
    return {
      field,
      value: mutate({
        messaging_product: 'whatsapp',
        contacts: Array.from({ length: int(3) }, () => mutate({ wa_id: `3461300${String(int(1000)).padStart(4, '0')}`, profile: { name: str() } })),
        messages: Array.from({ length: big ? 400 : int(4) }, message),
        statuses: Array.from({ length: big ? 1500 : int(4) }, status),
      }),
    };
  };
  return (): unknown => {
    if (r() < 0.08) return value();
    const body: Record<string, unknown> = {
      object: r() < 0.95 ? 'whatsapp_business_account' : value(),
      entry: r() < 0.05 ? value() : Array.from({ length: 1 + int(3) }, () => mutate({ id: '102290129340398', time: 1_800_000_000 + int(1e6), changes: Array.from({ length: int(4) }, change) })),
    };
    return body;
  };
}

describe('malformed but signed Meta deliveries (seeded fuzz)', () => {
  let srv: TestServer;
  let graph: MockGraph;
  beforeAll(async () => {
    graph = await startMockGraph();
    srv = await startTestServer({ env: { META_GRAPH_URL: graph.baseUrl, META_ACCESS_TOKEN: graph.token } });
  });
  afterAll(async () => {
    await srv.close();
    await graph.close();
  });

  it('answers every one 200, never crashes the worker, and records each as done with the reasons', async () => {
    const next = generator(20261124);
    const stored: string[] = [];
    for (let i = 0; i < 150; i++) {
      // Serialized here: sign() would take a bare string as the raw body.
      const { payload, headers } = sign(JSON.stringify(next()));
      const res = await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
      expect(res.statusCode, payload.slice(0, 300)).toBe(200);
      expect(['stored', 'duplicate', 'ignored']).toContain(res.json().status);
      if (res.json().status === 'stored') stored.push(dedupeKeyOf(Buffer.from(payload)));
    }
    expect(stored.length).toBeGreaterThan(60);
    await srv.services.meta.worker.drain(20_000);
    await srv.services.ingest.drain();

    const rows = await fork(srv.orm).find(WebhookInbox, { dedupeKey: { $in: stored } } as never);
    expect(rows).toHaveLength(stored.length);
    const notDone = rows.filter((r) => r.status !== 'done').map((r) => `${r.status}: ${r.lastError}`);
    expect(notDone).toEqual([]);
    // Unusable items are noted on their delivery, so nothing disappears silently.
    expect(rows.filter((r) => r.lastError).length).toBeGreaterThan(50);
    expect(rows.every((r) => !r.lastError || /entry \d+ \/ change \d+: /.test(r.lastError))).toBe(true);

    // The worker is alive: a good delivery afterwards is processed as usual.
    const id = wamid();
    const { payload, headers } = sign(envelope([messagesChange({ contacts: [{ wa_id: '34613999999', name: 'Tras el ruido' }], messages: [textMessage({ from: '34613999999', id })] })]));
    expect((await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers })).json().status).toBe('stored');
    await srv.services.meta.worker.drain(10_000);
    await srv.services.ingest.drain();
    expect(await fork(srv.orm).count(ConversationLog, { messageId: id })).toBe(1);
  }, 30_000);
});

// PostgreSQL enforces column lengths and types that SQLite accepts silently.
describe.skipIf(!(await pgAvailable()))('malformed deliveries on PostgreSQL', () => {
  it('processes the same fuzzed deliveries to done', async () => {
    const db = await createTestOrm('postgresql');
    const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock: systemClock });
    try {
      const next = generator(7);
      for (let i = 0; i < 60; i++) {
        const raw = Buffer.from(JSON.stringify(next()));
        // What the handler stores: the parsed body, unless it is ignored at the door.
        const body = parseWebhookBody(raw);
        if (classifyEnvelope(body).kind === 'handled') await services.meta.inbox.store(dedupeKeyOf(raw), body);
      }
      await services.meta.worker.drain(20_000);
      await services.ingest.drain();
      const rows = await fork(db.orm).find(WebhookInbox, {});
      expect(rows.filter((r) => r.status !== 'done').map((r) => `${r.status}: ${r.lastError}`)).toEqual([]);
    } finally {
      await services.meta.worker.stop();
      await services.ingest.close();
      await db.cleanup();
    }
  }, 30_000);
});
