import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookInbox } from '../../src/modules/meta/webhook-inbox.entity.ts';
import { dedupeKeyOf } from '../../src/modules/meta/signature.ts';
import { envelope, messagesChange, sign, textMessage, TEST_VERIFY_TOKEN } from '../helpers/meta.ts';
import { startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
  // These tests look at what the handler stores; processing is covered in meta-processing.test.ts.
  await srv.services.meta.worker.stop();
});
afterAll(() => srv.close());

const inboxRows = () => srv.orm.em.fork().find(WebhookInbox, {});
const post = (payload: string, headers: Record<string, string>) => srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });

describe('GET /webhooks/meta (verification handshake)', () => {
  it('echoes hub.challenge as plain text when the verify token matches', async () => {
    const res = await srv.app.inject({
      url: '/webhooks/meta',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1158201444' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it('answers 403 with a Spanish error for a wrong token or mode', async () => {
    const queries: Array<Record<string, string>> = [
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' },
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1' },
      { 'hub.challenge': '1' },
    ];
    for (const query of queries) {
      const res = await srv.app.inject({ url: '/webhooks/meta', query });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'WEBHOOK_VERIFY_FAILED', message: expect.stringContaining('META_VERIFY_TOKEN') });
    }
  });
});

describe('POST /webhooks/meta', () => {
  it('stores a correctly signed delivery before answering 200', async () => {
    const body = envelope([messagesChange({ messages: [textMessage({ id: 'wamid.STORE1' })] })]);
    const { payload, headers } = sign(body);
    const res = await post(payload, headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'stored' });
    const row = (await inboxRows()).find((r) => r.dedupeKey === dedupeKeyOf(Buffer.from(payload)));
    expect(row).toMatchObject({ source: 'meta', status: 'pending', attempts: 0 });
    expect(row!.payload).toEqual(body);
  });

  it('answers a duplicate delivery 200 without a second row', async () => {
    const { payload, headers } = sign(envelope([messagesChange({ messages: [textMessage({ id: 'wamid.DUP1' })] })]));
    expect((await post(payload, headers)).json()).toEqual({ status: 'stored' });
    const before = (await inboxRows()).length;
    const again = await post(payload, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect((await inboxRows()).length).toBe(before);
  });

  it('refuses a missing signature with 401 and stores nothing', async () => {
    const before = (await inboxRows()).length;
    const { payload } = sign(envelope([messagesChange({ messages: [textMessage()] })]));
    const res = await post(payload, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'SIGNATURE_MISSING', message: expect.stringContaining('X-Hub-Signature-256') });
    expect((await inboxRows()).length).toBe(before);
  });

  it('refuses a wrong signature, another secret or a tampered body with 403 and stores nothing', async () => {
    const before = (await inboxRows()).length;
    const good = sign(envelope([messagesChange({ messages: [textMessage()] })]));
    const cases = [
      { payload: good.payload, headers: { ...good.headers, 'x-hub-signature-256': 'sha256=deadbeef' } },
      { payload: good.payload, headers: sign(good.payload, 'another-secret').headers },
      { payload: good.payload.replace('Hola', 'Adiós'), headers: good.headers },
      { payload: good.payload, headers: { ...good.headers, 'x-hub-signature-256': good.headers['x-hub-signature-256'].replace('sha256=', 'sha1=') } },
    ];
    for (const c of cases) {
      const res = await post(c.payload, c.headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('SIGNATURE_INVALID');
    }
    expect((await inboxRows()).length).toBe(before);
  });

  it('answers 400 for signed but malformed JSON', async () => {
    const { payload, headers } = sign('{"object": "whatsapp_business_account", "entry": [');
    const res = await post(payload, headers);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_JSON', message: expect.stringContaining('JSON') });
  });

  it('answers 200 and stores nothing for an unknown object or an unhandled field', async () => {
    const before = (await inboxRows()).length;
    for (const body of [{ object: 'instagram', entry: [] }, envelope([{ field: 'account_review_update', value: { decision: 'APPROVED' } }])]) {
      const { payload, headers } = sign(body);
      const res = await post(payload, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ignored' });
    }
    expect((await inboxRows()).length).toBe(before);
  });

  it('accepts the signed bytes whatever the content type says (the parser is raw, for this route only)', async () => {
    const { payload, headers } = sign(envelope([messagesChange({ messages: [textMessage({ id: 'wamid.CT1' })] })]));
    const res = await post(payload, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    expect(res.json()).toEqual({ status: 'stored' });
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413', async () => {
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(srv.config.BODY_LIMIT_BYTES) });
    const { payload, headers } = sign(big);
    const res = await post(payload, headers);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('counts deliveries by outcome in /metrics', async () => {
    const res = await srv.app.inject({ url: '/metrics' });
    expect(res.body).toMatch(/mariadono_webhook_events_total\{source="meta",outcome="stored"\} \d+/);
    expect(res.body).toMatch(/mariadono_webhook_events_total\{source="meta",outcome="signature_invalid"\} 4/);
    expect(res.body).toMatch(/mariadono_webhook_events_total\{source="meta",outcome="duplicate"\} 1/);
  });
});

describe('POST /webhooks/meta without META_APP_SECRET', () => {
  it('answers 503 with a clear error and never accepts the payload', async () => {
    const other = await startTestServer({ env: { META_APP_SECRET: '' } });
    try {
      const { payload, headers } = sign(envelope([messagesChange({ messages: [textMessage()] })]));
      const res = await other.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatchObject({ code: 'WEBHOOK_NOT_CONFIGURED', message: expect.stringContaining('META_APP_SECRET') });
      expect(await other.orm.em.fork().count(WebhookInbox, {})).toBe(0);
    } finally {
      await other.close();
    }
  });
});
