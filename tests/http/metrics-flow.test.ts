import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/http/server.ts';
import { createGraphClient } from '../../src/modules/meta/graph-client.ts';
import { createMetaTransport } from '../../src/modules/meta/meta-transport.ts';
import { createTestHarness, type TestHarness } from '../helpers/replay.ts';
import { envelope, messagesChange, sign, statusUpdate, TEST_APP_SECRET, TEST_PHONE_NUMBER_ID, textMessage } from '../helpers/meta.ts';
import { startMockGraph, type MockGraph } from '../helpers/mock-graph.ts';

/**
 * /metrics against real traffic: Baileys messages through the replay transport (the same adapter
 * as the live socket, flows answering) and Cloud API messages through signed webhooks, in and out,
 * on one set of services, as in production.
 */

let h: TestHarness;
let app: FastifyInstance;
let graph: MockGraph;

beforeAll(async () => {
  graph = await startMockGraph();
  h = await createTestHarness('sqlite', { env: { META_APP_SECRET: TEST_APP_SECRET, META_PHONE_NUMBER_ID: TEST_PHONE_NUMBER_ID } });
  app = await buildServer({ config: h.config, logger: silentLogger(), orm: h.orm, services: h.services });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await h.cleanup();
  await graph.close();
});

async function sample(): Promise<(name: string, labels?: string) => number> {
  const body = (await app.inject({ url: '/metrics' })).body;
  return (name, labels = '') => {
    const line = body.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
}

const IN_WA = 'direction="in",channel="whatsapp"';
const OUT_WA = 'direction="out",channel="whatsapp"';
const IN_META = 'direction="in",channel="meta_cloud"';
const OUT_META = 'direction="out",channel="meta_cloud"';

describe('/metrics counters move with real traffic', () => {
  it('counts Baileys messages in and flow replies out', async () => {
    const before = await sample();
    const replies = await h.say('34611500001', 'hola', { name: 'Nora' });
    expect(replies.length).toBeGreaterThan(0);
    await h.services.ingest.drain();
    const after = await sample();
    expect(after('mariadono_messages_total', IN_WA) - before('mariadono_messages_total', IN_WA)).toBe(1);
    expect(after('mariadono_messages_total', OUT_WA) - before('mariadono_messages_total', OUT_WA)).toBe(replies.length);
    // A replayed duplicate is not a new message.
    await h.feed({ type: 'messages.upsert', data: { type: 'notify', messages: [{ key: { remoteJid: '34611500001@s.whatsapp.net', fromMe: false, id: 'DUP-METRIC-1' }, messageTimestamp: 1732420100, message: { conversation: 'otra' } }] } });
    const mid = await sample();
    await h.feed({ type: 'messages.upsert', data: { type: 'notify', messages: [{ key: { remoteJid: '34611500001@s.whatsapp.net', fromMe: false, id: 'DUP-METRIC-1' }, messageTimestamp: 1732420100, message: { conversation: 'otra' } }] } });
    await h.services.ingest.drain();
    expect((await sample())('mariadono_messages_total', IN_WA)).toBe(mid('mariadono_messages_total', IN_WA));
  });

  it('counts Cloud API messages in through the webhook, deliveries by outcome, and sends out through the Graph API', async () => {
    const before = await sample();
    const body = envelope([messagesChange({
      contacts: [{ wa_id: '34611500002', name: 'Olga' }],
      messages: [textMessage({ from: '34611500002' }), textMessage({ from: '34611500002' })],
      statuses: [statusUpdate({ id: 'wamid.UNKNOWN-METRIC', status: 'delivered' })],
    })]);
    const { payload, headers } = sign(body);
    expect((await app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers })).json()).toEqual({ status: 'stored' });
    expect((await app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers })).json()).toEqual({ status: 'duplicate' });
    await h.services.meta.worker.drain(10_000);
    await h.services.ingest.drain();

    const remove = h.services.transports.add(createMetaTransport(createGraphClient({ baseUrl: graph.baseUrl, accessToken: graph.token, phoneNumberId: TEST_PHONE_NUMBER_ID, retryBaseMs: 1, maxRetries: 0 })));
    try {
      await h.services.outbound.send('34611500002', { kind: 'text', text: 'Gracias, Olga' }, { origin: 'bot', platform: 'meta_cloud' });
      graph.failNext('/v24.0', 500);
      await expect(h.services.outbound.send('34611500002', { kind: 'text', text: 'falla' }, { origin: 'bot', platform: 'meta_cloud' })).rejects.toThrow();
    } finally {
      remove();
    }
    await h.services.ingest.drain();

    const after = await sample();
    const delta = (name: string, labels?: string) => after(name, labels) - before(name, labels);
    expect(delta('mariadono_messages_total', IN_META)).toBe(2);
    expect(delta('mariadono_messages_total', OUT_META)).toBe(1);
    expect(delta('mariadono_messages_total', IN_WA)).toBe(0);
    expect(delta('mariadono_webhook_events_total', 'source="meta",outcome="stored"')).toBe(1);
    expect(delta('mariadono_webhook_events_total', 'source="meta",outcome="duplicate"')).toBe(1);
    expect(delta('mariadono_webhook_events_total', 'source="meta",outcome="processed_done"')).toBe(1);
    expect(delta('mariadono_failures_total', 'kind="send"')).toBe(1);
    expect(after('mariadono_webhook_inbox_pending')).toBe(0);
  });
});
