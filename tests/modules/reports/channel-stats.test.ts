import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';
import { withEm } from '../../../src/db/orm.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/logger.ts';
import { createChannelStatsService } from '../../../src/modules/reports/channel-stats.service.ts';
import { A, at, B, C, msg, SMS, seedClients, seedNovember, TZ, WA } from './fixture.ts';

const KINDS: DbKind[] = (await pgAvailable()) ? ['sqlite', 'postgresql'] : ['sqlite'];

describe.each(KINDS)('%s', (kind) => {
  let db: TestOrm;
  const clock = new ManualClock(at('2026-11-05 12:00'));
  let stats: ReturnType<typeof createChannelStatsService>;

  beforeAll(async () => {
    db = await createTestOrm(kind, { env: { TZ } });
    stats = createChannelStatsService({ config: db.config, clock, logger: createLogger({ level: 'silent' } as never) });
    await withEm(db.orm, async (em) => {
      await seedClients(em, { [A]: '2026-10-20 09:00', [B]: '2026-11-02 09:00', [C]: '2026-11-02 00:10' });
      await seedNovember(em);
    });
  });
  afterAll(() => db?.cleanup());

  const tableRows = () =>
    withEm(db.orm, (em) => em.getConnection().execute(`select stat_id, channel_id, cast(date as varchar(10)) as date, total_inbound_messages as i, total_outbound_messages as o, total_failed_messages as f, average_response_time_seconds as r, unique_users as u from channel_statistics order by date, channel_id`));

  const summaryRows = () =>
    withEm(db.orm, async (em) => (await em.getConnection().execute(`select month, channel_id, phone, active_days from channel_monthly_users order by month, channel_id, phone`)).map((r: Record<string, unknown>) => [r.month, r.channel_id, r.phone, r.active_days]));
  const day = (n: number) => 2 ** (n - 1);

  describe(`channel statistics rollup (${kind})`, () => {
    it('computes each channel-day from the hand-computed fixture (local days in TZ)', async () => {
      const day2 = await withEm(db.orm, (em) => stats.computeDay(em, '2026-11-02'));
      expect(day2).toEqual([
        { day: '2026-11-02', channelId: WA, inbound: 3, outbound: 3, failed: 1, avgResponseSeconds: 1020, uniqueUsers: 2 },
        { day: '2026-11-02', channelId: SMS, inbound: 2, outbound: 0, failed: 0, avgResponseSeconds: null, uniqueUsers: 1 },
      ]);
      const day3 = await withEm(db.orm, (em) => stats.computeDay(em, '2026-11-03'));
      expect(day3).toEqual([
        { day: '2026-11-03', channelId: WA, inbound: 0, outbound: 1, failed: 0, avgResponseSeconds: null, uniqueUsers: 1 },
        { day: '2026-11-03', channelId: SMS, inbound: 0, outbound: 1, failed: 0, avgResponseSeconds: null, uniqueUsers: 1 },
      ]);
    });

    it('backfills missing closed days on start-up and is idempotent', async () => {
      const filled = await withEm(db.orm, (em) => stats.backfill(em));
      expect(filled).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
      const first = await tableRows();
      expect(first.map((r: Record<string, unknown>) => [r.date, r.channel_id, r.i, r.o, r.f, r.r, r.u])).toEqual([
        ['2026-11-02', WA, 3, 3, 1, 1020, 2],
        ['2026-11-02', SMS, 2, 0, 0, null, 1],
        ['2026-11-03', WA, 0, 1, 0, null, 1],
        ['2026-11-03', SMS, 0, 1, 0, null, 1],
      ]);
      // channel_monthly_users: the days of November each counterpart had a message on, per channel.
      const users = [
        ['2026-11', WA, A, day(2)],
        ['2026-11', WA, B, day(2) + day(3)],
        ['2026-11', SMS, C, day(2) + day(3)],
      ];
      expect(await summaryRows()).toEqual(users);
      await withEm(db.orm, (em) => stats.rollupDay(em, '2026-11-02'));
      await withEm(db.orm, (em) => stats.rollupDay(em, '2026-11-03'));
      expect(await tableRows()).toEqual(first);
      expect(await summaryRows()).toEqual(users);
      // Days that now have rows are not recomputed; the empty day is (it has nothing to store).
      expect(await withEm(db.orm, (em) => stats.backfill(em))).toEqual(['2026-11-04']);
    });

    it('re-running a day after a late message updates the same row and drops channels that lost their traffic', async () => {
      const before = await tableRows();
      await withEm(db.orm, async (em) => {
        msg(em, B, '2026-11-03 12:00', 'inbound', WA);
        await em.flush();
        await em.getConnection().execute(`update conversations_log set channel_id = ${WA} where channel_id = ${SMS} and date >= ?`, [kind === 'sqlite' ? at('2026-11-03 00:00').getTime() : at('2026-11-03 00:00')]);
        await stats.rollupDay(em, '2026-11-03');
      });
      const after = await tableRows();
      const wa3 = after.find((r: Record<string, unknown>) => r.date === '2026-11-03' && r.channel_id === WA)!;
      const wa3Before = before.find((r: Record<string, unknown>) => r.date === '2026-11-03' && r.channel_id === WA)!;
      expect(wa3.stat_id).toBe(wa3Before.stat_id);
      expect([wa3.i, wa3.o, wa3.u]).toEqual([1, 2, 2]);
      expect(after.filter((r: Record<string, unknown>) => r.date === '2026-11-03').length).toBe(1);
      // C's 11-03 message moved to WhatsApp: the SMS row keeps only day 2, a WhatsApp row has day 3.
      expect(await summaryRows()).toEqual([
        ['2026-11', WA, A, day(2)],
        ['2026-11', WA, B, day(2) + day(3)],
        ['2026-11', WA, C, day(3)],
        ['2026-11', SMS, C, day(2)],
      ]);
    });

    it('a counterpart whose only messages of the month are gone loses its row when the day is re-run', async () => {
      await withEm(db.orm, async (em) => {
        await em.getConnection().execute(`delete from conversations_log where "from" = '${A}'`);
        await stats.rollupDay(em, '2026-11-02');
      });
      expect((await summaryRows()).filter((r) => r[2] === A)).toEqual([]);
      expect(await withEm(db.orm, (em) => stats.uniqueUsers(em, '2026-11-01', '2026-11-04'))).toEqual(new Map([[WA, 2], [SMS, 1], [0, 2]]));
    });

    it('backfill redoes the days rolled up before channel_monthly_users existed', async () => {
      const before = await summaryRows();
      await withEm(db.orm, async (em) => {
        await em.getConnection().execute(`delete from channel_monthly_users`);
        await em.getConnection().execute(`update channel_statistics set users_summarized = null`);
        // Not summarized: read live, still exact.
        expect(await stats.uniqueUsers(em, '2026-11-01', '2026-11-04')).toEqual(new Map([[WA, 2], [SMS, 1], [0, 2]]));
      });
      expect(await withEm(db.orm, (em) => stats.backfill(em))).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
      expect(await summaryRows()).toEqual(before);
    });

    it('reads closed days from the rollup and today live', async () => {
      clock.set(at('2026-11-03 18:00'));
      await withEm(db.orm, async (em) => {
        // A stale rollup value for 11-02 proves the closed day is read from the table.
        await em.getConnection().execute(`update channel_statistics set total_inbound_messages = 99 where date = '2026-11-02' and channel_id = ${WA}`);
        const days = await stats.daily(em, '2026-11-02', '2026-11-03');
        expect(days.find((d) => d.day === '2026-11-02' && d.channelId === WA)!.inbound).toBe(99);
        expect(days.filter((d) => d.day === '2026-11-03').map((d) => [d.channelId, d.inbound, d.outbound])).toEqual([[WA, 1, 2]]);
        await stats.rollupDay(em, '2026-11-02');
      });
      clock.set(at('2026-11-05 12:00'));
    });
  });
});
