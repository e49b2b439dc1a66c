import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagePricing } from '../../src/modules/reports/message-pricing.entity.ts';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { envelope, messagesChange, sign, statusUpdate } from '../helpers/meta.ts';
import { fork, makeOutboundSend } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/** POST /api/reports (same service as /reporte), the audited download, and Meta pricing captured from status webhooks. */

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ env: { CHANNEL_COSTS: 'whatsapp=0.01', META_CATEGORY_PRICES: 'marketing=0.1' } });
});
afterAll(() => srv.close());

describe('POST /api/reports', () => {
  it('generates a report, lists it and downloads it with access audit', async () => {
    const analyst = await loginAs(srv, '34600000021', 'analyst');
    const res = await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(analyst.token), payload: { type: 'channel_analysis', format: 'csv' } });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { report_id: string; download_url: string; summary: string[]; title: string };
    expect(body.title).toBe('Análisis de canales');
    expect(body.summary).toHaveLength(2);
    const list = await srv.app.inject({ url: '/api/reports?type=channel_analysis', headers: bearer(analyst.token) });
    expect(list.json()).toMatchObject({ total: 1, items: [{ report_id: body.report_id, cliente_id: null, format: 'csv', has_file: true }] });
    const file = await srv.app.inject({ url: body.download_url, headers: bearer(analyst.token) });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.body).toContain('#channels');
    const audit = await fork(srv.orm).find(AuditLog, { target: body.report_id } as never, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => `${a.action}:${a.outcome}`)).toEqual(['reports.create:success', 'reports.download:success']);
  });

  it('refuses bad input with 400 and a Spanish message, and callers without reports.create with 403', async () => {
    const admin = await loginAs(srv, '34600000022', 'admin');
    const bad = await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(admin.token), payload: { type: 'custom', from: '2026-01-01', to: '2026-01-02', metrics: ['ventas'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_ERROR', message: expect.stringMatching(/Métricas desconocidas: ventas/) } });
    const unknownType = await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(admin.token), payload: { type: 'ventas' } });
    expect(unknownType.statusCode).toBe(400);
    const noCampaign = await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(admin.token), payload: { type: 'campaign_performance', campaign: 'nada' } });
    expect(noCampaign.statusCode).toBe(404);
    const viewer = await loginAs(srv, '34600000023', 'viewer');
    expect((await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(viewer.token), payload: { type: 'growth' } })).statusCode).toBe(403);
  });
});

describe('Meta pricing from status webhooks', () => {
  it('keeps pricing.category once per message and prices the channel with it', async () => {
    await makeOutboundSend(fork(srv.orm), 'wamid.PRICED1', '34612000031');
    // The helper's send has no channel; a Cloud API send is logged on WhatsApp.
    await fork(srv.orm).getConnection().execute(`update conversations_log set channel_id = 1 where message_id = 'wamid.PRICED1'`);
    const t0 = Math.floor(Date.now() / 1000);
    const priced = (status: 'sent' | 'delivered', ts: number, category: string) => ({
      ...statusUpdate({ id: 'wamid.PRICED1', status, timestamp: String(ts) }),
      pricing: { billable: true, pricing_model: 'PMP', category },
    });
    for (const [status, ts, cat] of [['sent', t0, 'marketing'], ['delivered', t0 + 5, 'utility']] as const) {
      const { payload, headers } = sign(envelope([messagesChange({ statuses: [priced(status, ts, cat)] })]));
      expect((await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers })).statusCode).toBe(200);
    }
    await srv.services.meta.worker.drain(10_000);
    await srv.services.ingest.drain();
    const rows = await fork(srv.orm).find(MessagePricing, { messageId: 'wamid.PRICED1' });
    expect(rows.map((r) => [r.category, r.pricingModel, r.billable])).toEqual([['marketing', 'PMP', true]]);
    const admin = await loginAs(srv, '34600000024', 'admin');
    const res = await srv.app.inject({ method: 'POST', url: '/api/reports', headers: bearer(admin.token), payload: { type: 'channel_analysis', format: 'json' } });
    const file = await srv.app.inject({ url: (res.json() as { download_url: string }).download_url, headers: bearer(admin.token) });
    const data = JSON.parse(file.body) as { channels: Array<{ channel: string; cost: number }>; pricing_categories: unknown[] };
    expect(data.pricing_categories).toEqual([{ channel: 'WhatsApp', category: 'marketing', messages: 1, cost: 0.1 }]);
    expect(data.channels.find((c) => c.channel === 'WhatsApp')!.cost).toBe(0.1);
  });
});
