import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/logger.ts';
import { grantRole } from '../../../src/modules/identity/identity.service.ts';
import { createReportsService } from '../../../src/modules/reports/reports.service.ts';
import { createReportSchedules, lastClosedPeriod, requestFor } from '../../../src/modules/reports/schedules.service.ts';
import type { Reply } from '../../../src/transport/types.ts';
import { at, TZ } from './fixture.ts';

const ADMIN = '34600000010';
const MANAGER = '34600000013';
let h: TestHarness;
let adminId = 0;
let managerId = 0;
const clock = new ManualClock(at('2026-11-05 12:00'));

beforeAll(async () => {
  h = await createTestHarness('sqlite', { env: { TZ }, start: at('2026-11-05 12:00') });
  await withEm(h.orm, async (em) => {
    adminId = (await grantRole(em, ADMIN, 'admin')).id;
    managerId = (await grantRole(em, MANAGER, 'manager')).id;
  });
});
afterAll(() => h?.cleanup());

/** Scheduled reports on a fake clock, delivered through the real outbound path (replay transport). */
function schedulesWith(deliver?: (phone: string, replies: Reply[]) => Promise<void>) {
  const reports = createReportsService({ config: h.config, clock, logger: silentLogger() });
  return createReportSchedules({
    orm: h.orm, clock, logger: silentLogger(), tz: TZ, reports,
    deliver: deliver ?? (async (phone, replies) => {
      for (const r of replies) await h.services.outbound.send(phone, r, { origin: 'bot' });
    }),
  });
}
const sentTo = (phone: string, from: number) => h.sent.slice(from).filter((s) => s.to.startsWith(phone));

describe('scheduled reports', () => {
  it('periods: yesterday, last Monday–Sunday, last month (in TZ)', () => {
    const now = at('2026-11-09 08:00'); // a Monday
    expect(lastClosedPeriod('daily', now, TZ)).toEqual({ key: '2026-11-08', end: at('2026-11-09 00:00') });
    expect(lastClosedPeriod('weekly', now, TZ)).toEqual({ key: '2026-11-02', end: at('2026-11-09 00:00') });
    expect(lastClosedPeriod('monthly', now, TZ)).toEqual({ key: '2026-10', end: at('2026-11-01 00:00') });
    expect(requestFor('channel_analysis', 'weekly', '2026-11-02', 'pdf')).toEqual({ type: 'channel_analysis', format: 'pdf', from: '2026-11-02', to: '2026-11-08' });
    expect(requestFor('monthly_activity', 'monthly', '2026-10', 'csv')).toEqual({ type: 'monthly_activity', format: 'csv', month: '2026-10' });
  });

  it('delivers each closed period once to the subscriber, in chat, with a fake clock', async () => {
    const s = schedulesWith();
    await withEm(h.orm, (em) => s.subscribe(em, adminId, 'channel_analysis', 'daily'));
    let mark = h.sent.length;
    expect(await s.tick()).toEqual({});
    expect(sentTo(ADMIN, mark)).toHaveLength(0); // the subscription is newer than yesterday's end

    clock.set(at('2026-11-06 08:00'));
    mark = h.sent.length;
    expect(await s.tick()).toEqual({ delivered: 1 });
    const out = sentTo(ADMIN, mark);
    expect(out.map((o) => (o.content.image ? 'image' : o.content.document ? 'document' : 'text'))).toEqual(['image', 'document']);
    expect(texts(out)[0]).toMatch(/^Análisis de canales\n/);
    const [run] = await rows<Record<string, unknown>>(h, `select * from report_runs`);
    expect(run).toMatchObject({ period_key: '2026-11-05', status: 'delivered', attempts: 1 });
    const [report] = await rows<Record<string, unknown>>(h, `select * from customer_reports where report_id = ?`, [run!.report_id]);
    expect(report).toMatchObject({ is_scheduled: 1, schedule_frequency: 'daily', report_type: 'channel_analysis', date_from: '2026-11-05', date_to: '2026-11-05' });

    // Ticking again (a second instance, a restart) sends nothing twice.
    mark = h.sent.length;
    expect(await s.tick()).toEqual({});
    expect(sentTo(ADMIN, mark)).toHaveLength(0);
    const subs = await withEm(h.orm, (em) => s.list(em, adminId));
    await withEm(h.orm, (em) => s.cancel(em, adminId, subs[0]!.schedule.scheduleId));
  });

  it('retries a failed delivery with backoff, then marks it failed and tells the subscriber', async () => {
    let attempts = 0;
    const s = schedulesWith(async (phone, replies) => {
      if (replies.some((r) => r.kind === 'document')) {
        attempts++;
        throw new Error('WhatsApp desconectado');
      }
      for (const r of replies) await h.services.outbound.send(phone, r, { origin: 'bot' });
    });
    clock.set(at('2026-11-06 09:00'));
    await withEm(h.orm, (em) => s.subscribe(em, managerId, 'growth', 'weekly', 'csv'));
    clock.set(at('2026-11-09 08:00'));
    const mark = h.sent.length;
    expect(await s.tick()).toEqual({ retry: 1 });
    // Not due again before its backoff (5, 10, 20, 40 min).
    clock.advance(4 * 60_000);
    expect(await s.processDue()).toEqual({});
    for (const wait of [1, 10, 20, 40]) {
      clock.advance(wait * 60_000);
      const r = await s.processDue();
      expect(Object.keys(r)).toEqual([attempts === 5 ? 'failed' : 'retry']);
    }
    expect(attempts).toBe(5);
    const [run] = await rows<Record<string, unknown>>(h, `select r.* from report_runs r join report_schedules s on s.schedule_id = r.schedule_id where s.subscriber_user_id = ?`, [managerId]);
    expect(run).toMatchObject({ period_key: '2026-11-02', status: 'failed', attempts: 5, last_error: 'WhatsApp desconectado' });
    // Generated once, kept: retries resent the same file.
    expect(run!.report_id).toBeTruthy();
    const told = texts(sentTo(MANAGER, mark));
    expect(told.at(-1)).toMatch(/^No se pudo generar o enviar tu informe programado #\d+ \(crecimiento, periodo 2026-11-02\) tras 5 intentos: WhatsApp desconectado/);
    clock.advance(24 * 3_600_000);
    expect(await s.processDue()).toEqual({});
  });

  it('a period whose tick never ran (the process was down) is still delivered, oldest first', async () => {
    const s = schedulesWith();
    clock.set(at('2026-11-10 09:00'));
    await withEm(h.orm, (em) => s.subscribe(em, adminId, 'custom', 'daily', 'json'));
    // Down from then until the 13th at 08:00: the 10th, 11th and 12th were never enqueued.
    clock.set(at('2026-11-13 08:00'));
    const mark = h.sent.length;
    expect(await s.tick()).toEqual({ delivered: 3 });
    const runs = await rows<Record<string, unknown>>(h, `select r.period_key, r.status from report_runs r join report_schedules s on s.schedule_id = r.schedule_id where s.subscriber_user_id = ? and s.report_type = 'custom' order by r.period_key`, [adminId]);
    expect(runs).toEqual([
      { period_key: '2026-11-10', status: 'delivered' },
      { period_key: '2026-11-11', status: 'delivered' },
      { period_key: '2026-11-12', status: 'delivered' },
    ]);
    const files = sentTo(ADMIN, mark).map((o) => String(o.content.fileName ?? '')).filter(Boolean);
    expect(files).toHaveLength(3);
    const generated = await rows<Record<string, unknown>>(h, `select date_from from customer_reports where report_type = 'custom' and is_scheduled = 1 order by rowid`);
    expect(generated.map((r) => r.date_from)).toEqual(['2026-11-10', '2026-11-11', '2026-11-12']);
    expect(await s.tick()).toEqual({});
  });
});
