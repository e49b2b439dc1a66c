import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';
import { withEm } from '../../../src/db/orm.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/logger.ts';
import { createReportsService, type ReportRequest } from '../../../src/modules/reports/reports.service.ts';
import { Campaign } from '../../../src/modules/campaigns/campaign.entity.ts';
import { CampaignRecipientLog } from '../../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { CustomerReport } from '../../../src/modules/campaigns/customer-report.entity.ts';
import { Pedido } from '../../../src/modules/orders/pedido.entity.ts';
import { MessagePricing } from '../../../src/modules/reports/message-pricing.entity.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { ValidationError } from '../../../src/shared/errors.ts';
import { A, at, B, C, clientIds, msg, seedClients, seedNovember, SMS, TZ, WA } from './fixture.ts';
import { parseCsv, pngSize, readPdf } from './parse.ts';

const KINDS: DbKind[] = (await pgAvailable()) ? ['sqlite', 'postgresql'] : ['sqlite'];

describe.each(KINDS)('%s', (kind) => {
  const D = '34600000004';
  let db: TestOrm;
  const clock = new ManualClock(at('2026-11-05 12:00'));
  let reports: ReturnType<typeof createReportsService>;

  beforeAll(async () => {
    db = await createTestOrm(kind, { env: { TZ, CHANNEL_COSTS: 'whatsapp=0.01,SMS Local=0.05', META_CATEGORY_PRICES: 'marketing=0.1' } });
    reports = createReportsService({ config: db.config, clock, logger: createLogger({ level: 'silent' }) });
    await withEm(db.orm, async (em) => {
      await seedClients(em, { [D]: '2026-09-15 09:00', [A]: '2026-10-20 09:00', [B]: '2026-11-02 09:00', [C]: '2026-11-02 00:10' });
      await seedNovember(em);
      msg(em, D, '2026-09-16 10:00', 'inbound', WA);
      msg(em, A, '2026-10-21 10:00', 'inbound', WA);
      msg(em, A, '2026-10-21 10:02', 'outbound', WA);
      await em.flush();
      // The 10:01 WhatsApp reply to A was billed by Meta as marketing.
      const reply = await em.findOneOrFail('ConversationLog' as never, { from: A, date: at('2026-11-02 10:01') } as never) as { messageId: string };
      em.create(MessagePricing, { messageId: reply.messageId, category: 'marketing', pricingModel: 'CBP', billable: true, reportedAt: at('2026-11-02 10:02') });
      em.create(Pedido, { cliente: clientIds.get(A)!, total: '25.50', createdAt: at('2026-11-04 12:00') } as never);
      const staff = em.create(Usuario, { phoneNumber: '34699999999', userType: 'admin', createdAt: at('2026-01-01 00:00') } as never);
      const camp = em.create(Campaign, { campaignName: 'Black Friday', campaignType: 'broadcast', createdByUser: staff, channel: WA, status: 'completed', startDate: at('2026-11-01 09:00'), uniqueClicks: 3, conversionCount: 1 } as never);
      const statuses = ['read', 'read', 'read', 'read', 'delivered', 'delivered', 'sent', 'failed', 'failed', 'pending'] as const;
      for (const s of statuses) {
        em.create(CampaignRecipientLog, {
          campaign: camp, cliente: clientIds.get(A)!, sendStatus: s,
          sentTimestamp: ['read', 'delivered', 'sent'].includes(s) ? at('2026-11-01 09:00') : null,
          deliveredTimestamp: ['read', 'delivered'].includes(s) ? at('2026-11-01 09:01') : null,
          readTimestamp: s === 'read' ? at('2026-11-01 10:00') : null,
        } as never);
      }
      await em.flush();
    });
  });
  afterAll(() => db?.cleanup());

  const gen = (req: ReportRequest) => withEm(db.orm, (em) => reports.generate(em, req));
  const table = (data: Record<string, unknown>, key: string) => data[key] as Array<Record<string, unknown>>;

  describe(`report figures against the hand-computed fixture (${kind})`, () => {
    it('monthly_activity for the whole business', async () => {
      const r = await gen({ type: 'monthly_activity', month: '2026-11', format: 'json' });
      expect(r.data.totals).toEqual({ inbound: 5, outbound: 5, failed: 1, unique_users: 3, new_clients: 2, avg_response_seconds: 1020, cost: 0.17 });
      expect(table(r.data, 'channels')).toEqual([
        { channel: 'WhatsApp', inbound: 3, outbound: 4, failed: 1, unique_users: 2, avg_response_seconds: 1020, cost: 0.12 },
        { channel: 'SMS Local', inbound: 2, outbound: 1, failed: 0, unique_users: 1, avg_response_seconds: null, cost: 0.05 },
      ]);
      const daily = table(r.data, 'daily');
      expect(daily).toHaveLength(30);
      expect(daily.find((d) => d.day === '2026-11-02')).toEqual({ day: '2026-11-02', inbound: 5, outbound: 3, failed: 1, avg_response_seconds: 1020 });
      expect(daily.find((d) => d.day === '2026-11-03')).toEqual({ day: '2026-11-03', inbound: 0, outbound: 2, failed: 0, avg_response_seconds: null });
      expect(r.summary).toEqual([
        'Mensajes: 5 entrantes, 5 salientes (1 fallidos).',
        'Usuarios únicos: 3 · clientes nuevos: 2 · respuesta media: 17 min 0 s · coste 0,17\u00a0€',
      ]);
    });

    it('monthly_activity for one client, stored in that client\'s folder', async () => {
      const r = await gen({ type: 'monthly_activity', month: '2026-11', phone: '+34 600 000 001', format: 'json' });
      expect(r.data.totals).toEqual({ inbound: 2, outbound: 3, failed: 1, unique_users: 1, new_clients: 0, avg_response_seconds: 330, cost: null, orders: 1, orders_total: 25.5 });
      expect(r.filePath).toMatch(new RegExp(`^clients/client_${clientIds.get(A)}/reports/`));
      const row = await withEm(db.orm, (em) => em.findOneOrFail(CustomerReport, { reportId: r.reportId }));
      expect((row.cliente as { id: number }).id).toBe(clientIds.get(A));
    });

    it('campaign_performance funnel', async () => {
      const r = await gen({ type: 'campaign_performance', campaign: 'black friday', format: 'json' });
      expect(r.data.funnel).toEqual({ recipients: 10, sent: 7, delivered: 6, read: 4, clicked: 3, converted: 1, failed: 2, pending: 1 });
      expect(r.data.rates).toEqual({ sent: 100, delivered: 85.7, read: 57.1, clicked: 42.9, converted: 14.3 });
      expect(r.data.cost).toBe(0.07);
    });

    it('channel_analysis with cost per channel and Meta pricing categories', async () => {
      const r = await gen({ type: 'channel_analysis', from: '2026-11-01', to: '2026-11-05', format: 'json' });
      expect(r.data.channels).toEqual([
        { channel: 'WhatsApp', inbound: 3, outbound: 4, failed: 1, failure_rate_pct: 25, unique_users: 2, avg_response_seconds: 1020, cost: 0.12, cost_per_message: 0.04 },
        { channel: 'SMS Local', inbound: 2, outbound: 1, failed: 0, failure_rate_pct: 0, unique_users: 1, avg_response_seconds: null, cost: 0.05, cost_per_message: 0.05 },
      ]);
      expect(r.data.pricing_categories).toEqual([{ channel: 'WhatsApp', category: 'marketing', messages: 1, cost: 0.1 }]);
      expect(r.data.total_cost).toBe(0.17);
    });

    it('growth: new, active, churned and retention cohorts', async () => {
      const r = await gen({ type: 'growth', from: '2026-09', to: '2026-11', format: 'json' });
      expect(r.data.months).toEqual([
        { month: '2026-09', new_clients: 1, active: 1, churned: 0 },
        { month: '2026-10', new_clients: 1, active: 1, churned: 1 },
        { month: '2026-11', new_clients: 2, active: 3, churned: 0 },
      ]);
      expect(r.data.cohorts).toEqual([
        { cohort: '2026-09', size: 1, m0: 100, m1: 0, m2: 0 },
        { cohort: '2026-10', size: 1, m0: 100, m1: 100, m2: null },
        { cohort: '2026-11', size: 2, m0: 100, m1: null, m2: null },
      ]);
    });

    it('custom: chosen metrics per day and in total', async () => {
      const r = await gen({ type: 'custom', from: '2026-11-02', to: '2026-11-03', metrics: ['entrantes', 'salientes', 'usuarios', 'respuesta', 'coste'], format: 'json' });
      expect(r.data.daily).toEqual([
        { day: '2026-11-02', entrantes: 5, salientes: 3, usuarios: 3, respuesta: 1020, coste: 0.11 },
        { day: '2026-11-03', entrantes: 0, salientes: 2, usuarios: 2, respuesta: null, coste: 0.06 },
      ]);
      expect(r.data.total).toEqual({ day: 'total', entrantes: 5, salientes: 5, usuarios: 3, respuesta: 1020, coste: 0.17 });
    });

    it('a message priced by Meta after midnight costs its category price on the day it was sent', async () => {
      const move = (when: string) =>
        withEm(db.orm, (em) => em.nativeUpdate(MessagePricing, { category: 'marketing' } as never, { reportedAt: at(when) } as never));
      await move('2026-11-03 00:01');
      try {
        const r = await gen({ type: 'custom', from: '2026-11-02', to: '2026-11-03', metrics: ['coste'], format: 'json' });
        expect(r.data.daily).toEqual([{ day: '2026-11-02', coste: 0.11 }, { day: '2026-11-03', coste: 0.06 }]);
        const nov3 = await gen({ type: 'channel_analysis', from: '2026-11-03', to: '2026-11-03', format: 'json' });
        expect(nov3.data.pricing_categories).toEqual([]);
        expect(nov3.data.total_cost).toBe(0.06);
      } finally {
        await move('2026-11-02 10:02');
      }
    });

    it('refuses bad input with Spanish messages', async () => {
      const bad: Array<[ReportRequest, RegExp]> = [
        [{ type: 'monthly_activity', month: '2026-13' }, /no es un mes válido/],
        [{ type: 'monthly_activity', month: '2027-01' }, /todavía no ha llegado/],
        [{ type: 'monthly_activity', phone: '12' }, /no es un teléfono válido/],
        [{ type: 'monthly_activity', phone: '+34611111111' }, /No hay ningún cliente/],
        [{ type: 'campaign_performance', campaign: 'nada' }, /No existe ninguna campaña/],
        [{ type: 'campaign_performance' }, /Indica la campaña/],
        [{ type: 'channel_analysis', from: '2026-02-30' }, /no es una fecha válida/],
        [{ type: 'channel_analysis', from: '2026-11-04', to: '2026-11-01' }, /posterior/],
        [{ type: 'channel_analysis', from: '2024-01-01', to: '2026-11-01' }, /como máximo 366 días/],
        [{ type: 'custom', from: '2026-11-01' }, /Indica el periodo/],
        [{ type: 'custom', from: '2026-11-01', to: '2026-11-02' }, /Indica las métricas/],
        [{ type: 'custom', from: '2026-11-01', to: '2026-11-02', metrics: ['ventas'] }, /Métricas desconocidas: ventas/],
        [{ type: 'growth', from: '2026-11', to: '2026-09' }, /posterior/],
        [{ type: 'channel_analysis', format: 'xls' as never }, /Formato "xls" no disponible/],
      ];
      for (const [req, msg] of bad) await expect(gen(req), JSON.stringify(req)).rejects.toThrow(msg);
      await expect(gen({ type: 'custom' })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe(`report formats (${kind})`, () => {
    it('CSV parses back to the same numbers', async () => {
      const r = await gen({ type: 'channel_analysis', from: '2026-11-01', to: '2026-11-05', format: 'csv' });
      const sections = parseCsv(readFileSync(join(db.config.STORAGE_DIR, r.filePath), 'utf8'));
      const channels = sections.get('channels')!;
      expect(channels.map((row) => ({ ...row, inbound: Number(row.inbound), outbound: Number(row.outbound), failed: Number(row.failed), cost: Number(row.cost) }))
        .map((x) => ({ channel: (x as Record<string, unknown>).channel, inbound: x.inbound, outbound: x.outbound, failed: x.failed, cost: x.cost })))
        .toEqual((r.data.channels as Array<Record<string, unknown>>).map(({ channel, inbound, outbound, failed, cost }) => ({ channel, inbound, outbound, failed, cost })));
      expect(sections.get('pricing_categories')).toEqual([{ channel: 'WhatsApp', category: 'marketing', messages: '1', cost: '0.1' }]);
    });

    it('PDF parses (and renders with pdftoppm where installed), with the chart PNG at 1000×560', async () => {
      const r = await gen({ type: 'monthly_activity', month: '2026-11' });
      expect(r.format).toBe('pdf');
      expect(r.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pngSize(r.mainChart.png)).toEqual({ width: 1000, height: 560 });
      const file = join(db.config.STORAGE_DIR, r.filePath);
      expect(readFileSync(file).equals(r.bytes)).toBe(true);
      // Parsed without poppler: sound cross-references and streams, one page or more, both charts.
      const parsed = readPdf(r.bytes);
      expect(parsed.pages).toBeGreaterThanOrEqual(1);
      expect(parsed.images).toBe(2);
      // A damaged file is refused.
      expect(() => readPdf(Buffer.concat([r.bytes.subarray(0, 2000), Buffer.from('garbage'), r.bytes.subarray(2000)]))).toThrow();
      const hasPoppler = (() => { try { execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; } })();
      if (hasPoppler) {
        const out = mkdtempSync(join(tmpdir(), 'pdfpage-'));
        execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', file, join(out, 'p')]);
        const page = readFileSync(join(out, 'p-1.png'));
        expect(pngSize(page).width).toBeGreaterThan(300);
        const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
        expect(text).toContain('Actividad mensual · noviembre de 2026');
        expect(text).toContain('Usuarios únicos: 3');
        if (process.env.KEEP_REPORT_PNG) writeFileSync(process.env.KEEP_REPORT_PNG, page);
      }
    });

    it('HTML embeds the charts as SVG and escapes text', async () => {
      const r = await gen({ type: 'campaign_performance', campaign: 'Black Friday', format: 'html' });
      const html = r.bytes.toString();
      expect(html).toContain('<svg');
      expect(html).toContain('Rendimiento de campaña · Black Friday');
      expect(existsSync(join(db.config.STORAGE_DIR, r.filePath))).toBe(true);
      expect(r.filePath).toMatch(/^reports\//);
      const channels = (await gen({ type: 'channel_analysis', from: '2026-11-01', to: '2026-11-05', format: 'html' })).bytes.toString();
      expect(channels.match(/<svg/g)).toHaveLength(3);
      // Tables whose rows are figure keys show them in Spanish; CSV keeps the keys.
      expect(html).toContain('<td>Destinatarios</td>');
      expect(html).toContain('Estado completada · canal WhatsApp');
      expect(html).not.toContain('<td>recipients</td>');
      const monthly = (await gen({ type: 'monthly_activity', month: '2026-11', format: 'html' })).bytes.toString();
      expect(monthly).toContain('<td>Clientes nuevos</td>');
      expect(monthly).not.toMatch(/<td>(new_clients|unique_users|inbound)<\/td>/);
      const csv = parseCsv((await gen({ type: 'campaign_performance', campaign: 'Black Friday', format: 'csv' })).bytes.toString());
      expect(csv.get('funnel')!.map((r) => r.stage)).toEqual(['recipients', 'sent', 'delivered', 'read', 'clicked', 'converted', 'failed', 'pending']);
    });
  });

  describe(`the same figures once the closed days are rolled up (${kind})`, () => {
    const figures = async () => ({
      monthly: (await gen({ type: 'monthly_activity', month: '2026-11', format: 'json' })).data,
      october: (await gen({ type: 'monthly_activity', month: '2026-10', format: 'json' })).data,
      channels: (await gen({ type: 'channel_analysis', from: '2026-10-01', to: '2026-11-05', format: 'json' })).data,
      custom: (await gen({ type: 'custom', from: '2026-11-01', to: '2026-11-05', metrics: ['usuarios', 'entrantes'], format: 'json' })).data,
      growth: (await gen({ type: 'growth', from: '2026-09', to: '2026-11', format: 'json' })).data,
    });
    const clientRows = () => withEm(db.orm, (em) => em.getConnection().execute(`select month, cliente_id, active_days from client_monthly_activity order by month, cliente_id`));
    const summaryRows = () => withEm(db.orm, (em) => em.getConnection().execute(`select month, channel_id, phone, active_days from channel_monthly_users order by month, channel_id, phone`));

    it('unique users come from channel_monthly_users for closed days and match the live figures', async () => {
      // A message today (11-05, never rolled up) from a counterpart absent on closed days: read live.
      await withEm(db.orm, async (em) => {
        msg(em, D, '2026-11-05 09:00', 'inbound', WA);
        await em.flush();
      });
      const live = await figures();
      expect((live.monthly.totals as Record<string, unknown>).unique_users).toBe(4);
      expect(table(live.october, 'channels').map((c) => c.unique_users)).toEqual([1]);
      expect(table(live.channels, 'channels').map((c) => [c.channel, c.unique_users])).toEqual([['WhatsApp', 3], ['SMS Local', 1]]);
      expect((live.custom.total as Record<string, unknown>).usuarios).toBe(4);
      // D (September's client) is active again in November: no churn, and their cohort's +2 is 100 %.
      expect(live.growth.months).toEqual([
        { month: '2026-09', new_clients: 1, active: 1, churned: 0 },
        { month: '2026-10', new_clients: 1, active: 1, churned: 1 },
        { month: '2026-11', new_clients: 2, active: 4, churned: 0 },
      ]);
      expect((live.growth.cohorts as unknown[])[0]).toEqual({ cohort: '2026-09', size: 1, m0: 100, m1: 0, m2: 100 });

      await withEm(db.orm, (em) => reports.stats.backfill(em));
      // One row per month, channel and counterpart; bit d-1 = active on day d.
      expect(await summaryRows()).toEqual([
        { month: '2026-09', channel_id: WA, phone: D, active_days: 2 ** 15 },
        { month: '2026-10', channel_id: WA, phone: A, active_days: 2 ** 20 },
        { month: '2026-11', channel_id: WA, phone: A, active_days: 2 ** 1 },
        { month: '2026-11', channel_id: WA, phone: B, active_days: 2 ** 1 + 2 ** 2 },
        { month: '2026-11', channel_id: SMS, phone: C, active_days: 2 ** 1 + 2 ** 2 },
      ]);
      // Clients with an inbound message: B's only November reply is outbound on day 3.
      const id = (p: string) => clientIds.get(p)!;
      expect(await clientRows()).toEqual([
        { month: '2026-09', cliente_id: id(D), active_days: 2 ** 15 },
        { month: '2026-10', cliente_id: id(A), active_days: 2 ** 20 },
        ...[A, B, C].map((p) => ({ month: '2026-11', cliente_id: id(p), active_days: 2 ** 1 })).sort((x, y) => x.cliente_id - y.cliente_id),
      ]);
      expect(await figures()).toEqual(live);

      // Proof that closed days are read from the summary: a counterpart only it knows is counted.
      await withEm(db.orm, async (em) => {
        await em.getConnection().execute(`insert into channel_monthly_users (month, channel_id, phone, active_days) values ('2026-11', ${SMS}, '34600000099', 4)`);
        await em.getConnection().execute(`insert into client_monthly_activity (month, cliente_id, active_days) values ('2026-10', ${id(B)}, ${2 ** 20})`);
      });
      const tampered = await figures();
      expect((tampered.growth.months as Array<Record<string, unknown>>)[1]).toEqual({ month: '2026-10', new_clients: 1, active: 2, churned: 1 });
      expect((tampered.monthly.totals as Record<string, unknown>).unique_users).toBe(5);
      expect(table(tampered.channels, 'channels').map((c) => [c.channel, c.unique_users])).toEqual([['WhatsApp', 3], ['SMS Local', 2]]);
      // Re-running the days restores the exact figures (the rollup owns each day's bits).
      await withEm(db.orm, (em) => reports.stats.rollupDay(em, '2026-11-03'));
      await withEm(db.orm, (em) => reports.stats.rollupDay(em, '2026-10-21'));
      expect(await figures()).toEqual(live);
    });
  });
});
