import { registerModuleJobs } from '../../../src/jobs/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';
import { withEm } from '../../../src/db/orm.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createScheduler } from '../../../src/jobs/scheduler.ts';
import { createServices } from '../../../src/services.ts';
import { A, at, B, C, msg, seedClients, seedNovember, TZ, WA } from './fixture.ts';

/** The reports module's jobs, as src/jobs/index.ts registers them, run by the real scheduler. */
let db: TestOrm;
beforeAll(async () => {
  db = await createTestOrm('sqlite', { env: { TZ } });
  await withEm(db.orm, async (em) => {
    await seedClients(em, { [A]: '2026-10-20 09:00', [B]: '2026-11-02 09:00', [C]: '2026-11-02 00:10' });
    await seedNovember(em);
  });
});
afterAll(() => db?.cleanup());

describe('report jobs', () => {
  it('registers the rollup, scheduled and retry jobs; the rollup backfills on start and then does yesterday', async () => {
    const clock = new ManualClock(at('2026-11-04 00:05'));
    const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
    const scheduler = createScheduler(silentLogger());
    try {
      registerModuleJobs(scheduler, services);
      expect(scheduler.names()).toEqual(expect.arrayContaining(['reports.stats-rollup', 'reports.scheduled', 'reports.retry']));
      await scheduler.runNow('reports.stats-rollup');
      const days = await withEm(db.orm, (em) => services.reports.stats.summarizedDays(em, '2026-11-01', '2026-11-30'));
      expect([...days].sort()).toEqual(['2026-11-02', '2026-11-03']);
      // 00:05 on the 5th: yesterday (the 4th, no traffic) is rolled up; nothing breaks, nothing is duplicated.
      clock.set(at('2026-11-05 00:05'));
      await scheduler.runNow('reports.stats-rollup');
      const rows = await withEm(db.orm, (em) => em.getConnection().execute(`select count(*) as n from channel_statistics`));
      expect(Number(rows[0].n)).toBe(4);
    } finally {
      await scheduler.stop();
    }
  });

  it('rolls up the day before yesterday again, so a reply after the 00:05 run counts for the inbound message\'s day', async () => {
    const fresh = await createTestOrm('sqlite', { env: { TZ } });
    const clock = new ManualClock(at('2026-11-03 00:05'));
    const services = createServices({ config: fresh.config, logger: silentLogger(), orm: fresh.orm, clock });
    const scheduler = createScheduler(silentLogger());
    const waNov2 = async () =>
      (await withEm(fresh.orm, (em) => em.getConnection().execute(`select average_response_time_seconds as r from channel_statistics where channel_id = ${WA} and date = '2026-11-02'`)))[0]?.r;
    try {
      await withEm(fresh.orm, async (em) => {
        await seedClients(em, { [A]: '2026-10-20 09:00', [B]: '2026-11-02 09:00' });
        msg(em, A, '2026-11-02 10:00', 'inbound', WA);
        msg(em, A, '2026-11-02 10:01', 'outbound', WA); // 60 s
        msg(em, B, '2026-11-02 23:30', 'inbound', WA); // not answered yet at 00:05
        await em.flush();
      });
      registerModuleJobs(scheduler, services);
      await scheduler.runNow('reports.stats-rollup');
      expect(Number(await waNov2())).toBe(60);
      // B is answered at 00:10, after that run: 2 400 s, within the 24 h window.
      await withEm(fresh.orm, async (em) => {
        msg(em, B, '2026-11-03 00:10', 'outbound', WA);
        await em.flush();
      });
      clock.set(at('2026-11-04 00:05'));
      await scheduler.runNow('reports.stats-rollup');
      const live = await withEm(fresh.orm, (em) => services.reports.stats.computeDay(em, '2026-11-02'));
      expect(live.find((d) => d.channelId === WA)!.avgResponseSeconds).toBe(1230);
      expect(Number(await waNov2())).toBe(1230);
    } finally {
      await scheduler.stop();
      await fresh.cleanup();
    }
  });
});
