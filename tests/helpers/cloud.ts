import type { FastifyInstance } from 'fastify';
import type { DbKind } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildServer } from '../../src/http/server.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { startCloudChannel, type CloudChannel } from '../../src/transport/cloud/index.ts';
import { optionsAsText } from '../../src/transport/reply.ts';
import { createTestOrm, type TestOrm } from './db.ts';
import { startMockGraph, type MockGraph, type MockGraphSend } from './mock-graph.ts';
import { buttonReply, envelope, messagesChange, sign, TEST_APP_SECRET, TEST_PHONE_NUMBER_ID, TEST_VERIFY_TOKEN, textMessage, wamid } from './meta.ts';

/**
 * The Cloud API conversation bench: the real sidecar (buildServer + inject) on a throwaway
 * database, signed webhooks in, the real inbox worker, ingest, Cloud channel (flows and
 * commands) and Cloud API transport out to the local Graph API mock. Replies are what the mock
 * accepted, in order:
 *
 *   const c = await createCloudHarness();
 *   const sends = await c.say('34600000001', 'hola', { name: 'Ana' });
 *   expect(sendTexts(sends)).toEqual([...]);
 */
export interface CloudHarness extends TestOrm {
  app: FastifyInstance;
  services: Services;
  graph: MockGraph;
  channel: CloudChannel;
  clock: Clock;
  /** A signed webhook with one message (text, or `message` as Meta shapes it); resolves with the sends it caused. */
  say(phone: string, text: string, o?: { name?: string; to?: string; message?: Record<string, unknown> }): Promise<MockGraphSend[]>;
  /** The customer taps a reply button (or list row) with this id. */
  tap(phone: string, replyId: string, title: string, o?: { to?: string }): Promise<MockGraphSend[]>;
  /** Posts any webhook body, signed; waits for the worker and the replies. */
  post(body: unknown): Promise<MockGraphSend[]>;
  cleanup(): Promise<void>;
}

export async function createCloudHarness(kind: DbKind = 'sqlite', opts: { env?: Record<string, string>; clock?: Clock; numbers?: string[] } = {}): Promise<CloudHarness> {
  const numbers = opts.numbers ?? [TEST_PHONE_NUMBER_ID];
  const graph = await startMockGraph({ phoneNumberIds: numbers });
  const db = await createTestOrm(kind, {
    env: {
      META_APP_SECRET: TEST_APP_SECRET,
      META_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
      META_ACCESS_TOKEN: graph.token,
      META_PHONE_NUMBER_ID: numbers.join(','),
      META_GRAPH_URL: graph.baseUrl,
      ...opts.env,
    },
  }).catch(async (err) => {
    await graph.close();
    throw err;
  });
  const clock = opts.clock ?? systemClock;
  const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
  const app = await buildServer({ config: db.config, logger: silentLogger(), orm: db.orm, services });
  await app.ready();
  const channel = await startCloudChannel({ config: db.config, logger: silentLogger(), clock, services });

  const post = async (body: unknown): Promise<MockGraphSend[]> => {
    const before = graph.sent.length;
    const { payload, headers } = sign(body);
    const res = await app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
    if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
    await services.meta.worker.drain(20_000);
    await services.ingest.drain();
    await services.commands.idle();
    return graph.sent.slice(before);
  };
  const change = (phone: string, name: string | undefined, message: Record<string, unknown>, to?: string) => {
    const c = messagesChange({ contacts: [{ wa_id: phone, name: name ?? 'Cliente' }], messages: [message] });
    (c.value.metadata as { phone_number_id: string }).phone_number_id = to ?? numbers[0]!;
    return envelope([c]);
  };
  const ts = () => String(Math.floor(clock.now().getTime() / 1000));

  return {
    ...db,
    app,
    services,
    graph,
    channel,
    clock,
    post,
    say: (phone, text, o = {}) => post(change(phone, o.name, o.message ?? textMessage({ from: phone, id: wamid(), body: text, timestamp: ts() }), o.to)),
    tap: (phone, replyId, title, o = {}) => post(change(phone, undefined, buttonReply({ from: phone, replyId, title, timestamp: ts() }), o.to)),
    async cleanup() {
      channel.stop();
      await services.meta.worker.stop();
      await app.close();
      await services.ingest.close();
      await graph.close();
      await db.cleanup();
    },
  };
}

/**
 * What each accepted Cloud API message says as plain text — interactive buttons and lists
 * rendered the way Baileys degrades them — so both platforms are checked with the same assertions.
 */
export function sendTexts(sends: MockGraphSend[]): string[] {
  return sends.map((s) => {
    const p = s.payload as Record<string, any>;
    switch (s.type) {
      case 'text':
        return String(p.text.body);
      case 'interactive': {
        const it = p.interactive;
        if (it.type === 'button') return optionsAsText(it.body.text, it.action.buttons.map((b: any) => ({ title: b.reply.title })), it.footer?.text);
        return optionsAsText(it.body.text, it.action.sections.flatMap((sec: any) => sec.rows));
      }
      case 'image':
      case 'document':
        return String(p[s.type].caption ?? '');
      default:
        return `[${s.type}]`;
    }
  });
}
