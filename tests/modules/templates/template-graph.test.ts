import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGraph, type MockGraph } from '../../helpers/mock-graph.ts';
import { createTemplateGraph, type TemplateGraph } from '../../../src/modules/templates/template-graph.ts';
import { MetaTemplateError } from '../../../src/modules/templates/meta-errors.ts';

/** The message_templates edge and the resumable upload against the local Graph API mock. */

let mock: MockGraph;
let sleeps: number[];
let graph: TemplateGraph;
beforeAll(async () => {
  mock = await startMockGraph();
});
afterAll(() => mock.close());

function client(over: Partial<Parameters<typeof createTemplateGraph>[0]> = {}) {
  sleeps = [];
  return createTemplateGraph({ baseUrl: mock.baseUrl, accessToken: mock.token, wabaId: '555', appId: '777', pageSize: 2, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...over });
}

describe('template graph client', () => {
  it('lists every page, following paging.next with the after cursor to the end', async () => {
    graph = client();
    for (let i = 0; i < 5; i++) mock.addTemplate({ name: `meta_tpl_${i}` });
    const before = mock.requests.length;
    const { templates, pages } = await graph.list();
    expect(templates.map((x) => x.name)).toEqual(['meta_tpl_0', 'meta_tpl_1', 'meta_tpl_2', 'meta_tpl_3', 'meta_tpl_4']);
    expect(pages).toBe(3);
    const calls = mock.requests.slice(before);
    expect(calls.map((r) => r.query.after ?? null)).toEqual([null, expect.any(String), expect.any(String)]);
    expect(calls.every((r) => r.auth === `Bearer ${mock.token}`)).toBe(true);
  });

  it('submits, edits and deletes a template', async () => {
    graph = client();
    const res = await graph.create({ name: 'nuevo_aviso', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hola' }] });
    expect(res).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    await graph.edit(res.id, { components: [{ type: 'BODY', text: 'Hola de nuevo' }] });
    expect(mock.templates.find((x) => x.id === res.id)?.components).toEqual([{ type: 'BODY', text: 'Hola de nuevo' }]);
    await graph.remove('nuevo_aviso', res.id);
    expect(mock.templates.some((x) => x.id === res.id)).toBe(false);
  });

  it('maps Meta error bodies to Spanish messages and does not retry permanent errors', async () => {
    graph = client();
    await graph.create({ name: 'duplicada', language: 'es', category: 'UTILITY', components: [] });
    const err = await graph.create({ name: 'duplicada', language: 'es', category: 'UTILITY', components: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(MetaTemplateError);
    expect(err).toMatchObject({ kind: 'name_exists', metaCode: 100 });
    expect(err.message).toMatch(/Meta ya tiene una plantilla con ese nombre/);
    expect(sleeps).toEqual([]);
    const missing = await graph.remove('no_existe').catch((e) => e);
    expect(missing).toMatchObject({ kind: 'not_found' });
    expect(sleeps).toEqual([]);
  });

  it('retries throttling and 5xx with exponential backoff and jitter, then succeeds', async () => {
    graph = client({ retryBaseMs: 100 });
    mock.failWith('/v24.0/555/message_templates', 400, { message: '(#80007) Rate limit issues', code: 80007 }, 1);
    mock.failWith('/v24.0/555/message_templates', 400, { message: '(#130429) Rate limit hit', code: 130429 }, 1);
    mock.failNext('/v24.0/555/message_templates', 503, 1);
    const { templates } = await graph.list();
    expect(templates.length).toBeGreaterThan(0);
    // base·2^attempt scaled by (0.5 + random/2) with random = 0.5 → 75 %.
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it('gives up after the retries with the rate-limit message', async () => {
    graph = client({ maxRetries: 2, retryBaseMs: 10 });
    mock.failWith('/v24.0/555/message_templates', 400, { message: '(#4) Application request limit reached', code: 4 }, 3);
    const err = await graph.list().catch((e) => e);
    expect(err).toMatchObject({ kind: 'rate_limit', transient: true });
    expect(err.message).toMatch(/Meta está limitando las peticiones/);
    expect(sleeps).toHaveLength(2);
  });

  it('reports an expired token (code 190) without retrying', async () => {
    graph = client({ accessToken: 'caducado' });
    const err = await graph.list().catch((e) => e);
    expect(err).toMatchObject({ kind: 'token', metaCode: 190 });
    expect(sleeps).toEqual([]);
  });

  it('uploads a media example with the Resumable Upload API and returns its handle', async () => {
    graph = client();
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
    const before = mock.requests.length;
    const h = await graph.uploadExample(bytes, 'image/png', 'oferta.png');
    const [start, upload] = mock.requests.slice(before);
    expect(start).toMatchObject({ method: 'POST', path: '/v24.0/777/uploads', query: { file_name: 'oferta.png', file_length: '7', file_type: 'image/png' } });
    expect(upload!.path).toMatch(/^\/v24\.0\/upload:/);
    expect(upload!.auth).toBe(`OAuth ${mock.token}`);
    expect(upload!.headers.file_offset).toBe('0');
    expect(mock.uploads.get(h)?.bytes.equals(bytes)).toBe(true);
  });

  it('says which variable is missing when Meta is not configured', async () => {
    graph = client({ appId: undefined });
    await expect(graph.uploadExample(Buffer.from('x'), 'image/png', 'a.png')).rejects.toThrow(/META_APP_ID/);
  });
});
