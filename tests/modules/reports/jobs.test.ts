import { registerModuleJobs } from '../../../src/jobs/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';
import { withEm } from '../../../src/db/orm.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createScheduler } from '../../../src/jobs/scheduler.ts';
import { createServices } from '../../../src/services.ts';
import { A, at, B, C, seedClients, seedNovember, TZ } from './fixture.ts';

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
      const days = await withEm(db.orm, (em) => services.reports.stats.rolledDays(em, '2026-11-01', '2026-11-30'));
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
});
