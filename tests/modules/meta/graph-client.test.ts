import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, GraphApiError } from '../../../src/modules/meta/graph-client.ts';
import { startMockGraph, type MockGraph } from '../../helpers/mock-graph.ts';

let graph: MockGraph;
beforeAll(async () => {
  graph = await startMockGraph();
});
afterAll(() => graph.close());

const client = (over: Partial<Parameters<typeof createGraphClient>[0]> = {}) =>
  createGraphClient({ baseUrl: graph.baseUrl, accessToken: graph.token, phoneNumberId: '106540352242922', retryBaseMs: 1, ...over });

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('graph client', () => {
  it('downloads media in two steps (media id → url → bytes), both with the bearer token', async () => {
    const bytes = Buffer.from('JPEG…bytes');
    graph.addMedia('M100', bytes, 'image/jpeg');
    const before = graph.requests.length;
    const stream = await client().downloadMedia('M100');
    expect(await readAll(stream)).toEqual(bytes);
    const calls = graph.requests.slice(before);
    expect(calls.map((c) => c.path)).toEqual(['/v24.0/M100', '/media-bytes/M100']);
    expect(calls.every((c) => c.auth === `Bearer ${graph.token}`)).toBe(true);
  });

  it('retries 429 and 5xx and then succeeds', async () => {
    graph.addMedia('M200', Buffer.from('x'), 'image/png');
    graph.failNext('/v24.0/M200', 429, 1, { 'retry-after': '0' });
    graph.failNext('/v24.0/M200', 503, 1);
    const info = await client().getMediaInfo('M200');
    expect(info).toMatchObject({ mimeType: 'image/png', fileSize: 1 });
  });

  it('gives up after maxRetries with a GraphApiError carrying the status', async () => {
    graph.failNext('/v24.0/M300', 500, 5);
    const err = await client({ maxRetries: 2 }).getMediaInfo('M300').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).httpStatus).toBe(500);
  });

  it('does not retry a 4xx (unknown media id)', async () => {
    const before = graph.requests.length;
    const err = await client().getMediaInfo('NOPE').catch((e: unknown) => e);
    expect((err as GraphApiError).httpStatus).toBe(400);
    expect(graph.requests.length - before).toBe(1);
  });

  it('refuses media larger than MEDIA_MAX_BYTES before downloading it', async () => {
    graph.addMedia('BIG', Buffer.alloc(2048), 'video/mp4');
    const err = await client({ mediaMaxBytes: 1024 }).downloadMedia('BIG').catch((e: unknown) => e);
    expect((err as GraphApiError).code).toBe('MEDIA_TOO_LARGE');
  });

  it('sends text and template messages to /{phone-number-id}/messages and returns the wamid', async () => {
    const c = client();
    const text = await c.sendText('34600000001', 'Hola', { replyTo: 'wamid.IN' });
    expect(text.messageId).toMatch(/^wamid\.OUT/);
    const tpl = await c.sendTemplate('34600000001', 'promo_verano', 'es_ES', [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }]);
    expect(tpl.messageId).toMatch(/^wamid\.OUT/);
    const sent = graph.requests.filter((r) => r.path === '/v24.0/106540352242922/messages').map((r) => JSON.parse(r.body));
    expect(sent.at(-2)).toMatchObject({ messaging_product: 'whatsapp', to: '34600000001', type: 'text', text: { body: 'Hola' }, context: { message_id: 'wamid.IN' } });
    expect(sent.at(-1)).toMatchObject({ type: 'template', template: { name: 'promo_verano', language: { code: 'es_ES' } } });
  });

  it('fails clearly without an access token, without calling Meta', async () => {
    const before = graph.requests.length;
    const err = await client({ accessToken: undefined }).sendText('34600000001', 'x').catch((e: unknown) => e);
    expect((err as GraphApiError).code).toBe('META_NOT_CONFIGURED');
    expect(graph.requests.length).toBe(before);
  });
});
