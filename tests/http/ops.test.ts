import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, messagesChange, sign, textMessage, TEST_PHONE_NUMBER_ID } from '../helpers/meta.ts';
import { ConversationLog } from '../../src/modules/messaging/conversation-log.entity.ts';
import { fork } from '../modules/meta/rows.ts';
import { startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv.close());

describe('GET /health', () => {
  it('reports the database, the WhatsApp state and the queue depth', async () => {
    await srv.services.meta.worker.stop();
    const { payload, headers } = sign(envelope([messagesChange({ messages: [textMessage()] })]));
    await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
    const res = await srv.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      database: { ok: true, kind: 'sqlite' },
      whatsapp: { status: 'disabled' },
      cloudApi: [{ phoneNumberId: TEST_PHONE_NUMBER_ID, status: 'open' }],
      queue: { webhookInboxPending: 1, inProcess: 0, ingestQueued: 0, ingestRetrying: 0, mediaPending: 0 },
    });
    srv.services.meta.worker.start();
    await srv.services.meta.worker.drain();
    expect((await srv.app.inject({ url: '/health' })).json().queue.webhookInboxPending).toBe(0);
  });
});

describe('GET /metrics', () => {
  it('answers the Prometheus text format with HELP/TYPE lines and labelled samples', async () => {
    const res = await srv.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.trimEnd().split('\n');
    for (const line of lines) {
      expect(line, line).toMatch(/^(# (HELP|TYPE) mariadono_\w+ .+|mariadono_\w+(\{(\w+="[^"]*",?)+\})? -?[\d.e+]+)$/);
    }
    expect(res.body).toContain('# TYPE mariadono_messages_total counter');
    expect(res.body).toMatch(/^mariadono_messages_total\{direction="in",channel="meta_cloud"\} 1$/m);
    expect(res.body).toMatch(/^mariadono_webhook_events_total\{source="meta",outcome="stored"\} 1$/m);
    expect(res.body).toMatch(/^mariadono_webhook_events_total\{source="meta",outcome="processed_done"\} 1$/m);
    expect(res.body).toMatch(/^mariadono_webhook_inbox_pending 0$/m);
    expect(res.body).toMatch(/^mariadono_ingest_queue\{kind="retrying"\} 0$/m);
    expect(res.body).toMatch(/^mariadono_whatsapp_connected\{status="disabled"\} 0$/m);
    expect(res.body).toContain('# TYPE mariadono_dispatch_total counter');
    expect(res.body).toContain('# TYPE mariadono_failures_total counter');
  });
});

describe('GET /docs', () => {
  it('serves the OpenAPI document generated from the route schemas, and the UI', async () => {
    const json = (await srv.app.inject({ url: '/docs/json' })).json();
    expect(json.openapi).toMatch(/^3\./);
    for (const path of ['/webhooks/meta', '/api/campaigns', '/api/campaigns/{id}/schedule', '/api/files/{fileId}', '/api/pedidos', '/api/auth/login', '/health', '/metrics']) {
      expect(Object.keys(json.paths), path).toContain(path);
    }
    expect(json.paths['/api/campaigns'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(json.paths['/api/campaigns'].post.requestBody.content['application/json'].schema.required).toEqual(['campaign_name', 'campaign_type']);
    expect(json.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await srv.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(ui.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect((await srv.app.inject({ url: '/docs/static/swagger-ui-bundle.js' })).statusCode).toBe(200);
  });
});

describe('hardening', () => {
  it('sends security headers and no CORS headers when CORS_ORIGINS is unset', async () => {
    const res = await srv.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only the configured CORS origins, and rate-limits webhooks and /api/auth per IP', async () => {
    const other = await startTestServer({ env: { CORS_ORIGINS: 'https://panel.example', WEBHOOK_RATE_LIMIT: '3', AUTH_RATE_LIMIT: '2' } });
    try {
      const ok = await other.app.inject({ url: '/health', headers: { origin: 'https://panel.example' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://panel.example');
      const no = await other.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
      expect(no.headers['access-control-allow-origin']).toBeUndefined();

      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await other.app.inject({ url: '/webhooks/meta', query: { 'hub.mode': 'subscribe' } })).statusCode);
      expect(codes).toEqual([403, 403, 403, 429]);
      const limited = await other.app.inject({ url: '/webhooks/meta' });
      expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('Demasiadas solicitudes') });
      expect(limited.headers['retry-after']).toBeDefined();

      const login = () => other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '34600000001', password: 'nope-nope-nope' } });
      expect([(await login()).statusCode, (await login()).statusCode, (await login()).statusCode]).toEqual([401, 401, 429]);
      // Other routes are not limited.
      for (let i = 0; i < 5; i++) expect((await other.app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('over real loopback HTTP', () => {
  it('accepts a signed webhook on 127.0.0.1 and the message reaches the database', async () => {
    const other = await startTestServer();
    try {
      const address = await other.app.listen({ port: 0, host: '127.0.0.1' });
      const { payload, headers } = sign(envelope([messagesChange({ contacts: [{ wa_id: '34655000001', name: 'Loop' }], messages: [textMessage({ from: '34655000001', id: 'wamid.LOOP1', body: 'por la red' })] })]));
      const res = await fetch(`${address}/webhooks/meta`, { method: 'POST', body: payload, headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'stored' });
      const bad = await fetch(`${address}/webhooks/meta`, { method: 'POST', body: payload, headers: { ...headers, 'x-hub-signature-256': 'sha256=00' } });
      expect(bad.status).toBe(403);
      await other.services.meta.worker.drain();
      await other.services.ingest.drain();
      expect(await fork(other.orm).findOne(ConversationLog, { messageId: 'wamid.LOOP1' })).toMatchObject({ body: 'por la red', platformOrigin: 'meta_cloud' });
      const health = await fetch(`${address}/health`);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
    } finally {
      await other.close();
    }
  });
});
