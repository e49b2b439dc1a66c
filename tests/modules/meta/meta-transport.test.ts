import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/modules/meta/graph-client.ts';
import { createMetaTransport } from '../../../src/modules/meta/meta-transport.ts';
import { startMockGraph, type MockGraph } from '../../helpers/mock-graph.ts';

let graph: MockGraph;
beforeAll(async () => {
  graph = await startMockGraph();
});
afterAll(() => graph.close());

const transport = () =>
  createMetaTransport(createGraphClient({ baseUrl: graph.baseUrl, accessToken: graph.token, phoneNumberId: '106540352242922', retryBaseMs: 1 }));

describe('Cloud API transport', () => {
  it('sends text to the phone of a JID and returns the wamid', async () => {
    const res = await transport().send('34600000001@s.whatsapp.net', { kind: 'text', text: 'Hola' });
    expect(res).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), jid: '34600000001@s.whatsapp.net' });
    expect(JSON.parse(graph.requests.at(-1)!.body)).toMatchObject({ to: '34600000001', type: 'text', text: { body: 'Hola' } });
  });

  it('uploads a document and sends it by media id with its file name and caption', async () => {
    const before = graph.requests.length;
    await transport().send('34600000001@s.whatsapp.net', { kind: 'document', buffer: Buffer.from('%PDF-1.4'), fileName: 'factura.pdf', mimetype: 'application/pdf', caption: 'Tu factura' });
    const calls = graph.requests.slice(before);
    expect(calls.map((c) => c.path)).toEqual(['/v24.0/106540352242922/media', '/v24.0/106540352242922/messages']);
    expect(JSON.parse(calls[1].body)).toMatchObject({ type: 'document', document: { id: expect.stringMatching(/^up_/), filename: 'factura.pdf', caption: 'Tu factura' } });
  });

  it('refuses group JIDs and reports its state', async () => {
    const t = transport();
    await expect(t.send('123456789@g.us', { kind: 'text', text: 'x' })).rejects.toThrow(/solo puede escribir a un número/);
    expect(t.platform).toBe('meta_cloud');
    expect(t.state().status).toBe('open');
    expect(createMetaTransport(createGraphClient({ baseUrl: graph.baseUrl })).state().status).toBe('disabled');
  });
});
