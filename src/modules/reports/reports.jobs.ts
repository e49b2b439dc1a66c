import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Config } from '../../config.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import { addDays, localDay } from './dates.ts';
import type { ReportsService } from './reports.service.ts';
import type { ReportSchedules } from './schedules.service.ts';

/**
 * The reports module's cron jobs, as data (listed in `src/jobs/index.ts`). All in `TZ`.
 * - reports.stats-rollup  STATS_ROLLUP_CRON (00:05): yesterday's channel_statistics, and the day
 *                         before again (see below); on start-up it backfills every missing closed
 *                         day first.
 * - reports.scheduled     REPORT_SCHEDULE_CRON (08:00) and on start-up: enqueue and deliver due runs.
 * - reports.retry         every 5 minutes: runs waiting for a retry (or with a lapsed lease).
 */
export function reportJobs(deps: { config: Config; orm: Orm; clock: Clock; reports: ReportsService; schedules: ReportSchedules }) {
  const tz = deps.config.TZ;
  let backfilled = false;
  return (scheduler: Scheduler) => {
    scheduler.add('reports.stats-rollup', deps.config.STATS_ROLLUP_CRON, async () => {
      await withEm(deps.orm, async (em) => {
        if (!backfilled) {
          await deps.reports.stats.backfill(em);
          backfilled = true;
        }
        // A reply up to 24 h later counts for the inbound message's day, so yesterday's row is
        // provisional at 00:05 (an inbound at 23:30 answered at 09:00 today is not in it yet).
        // The day before is rolled up again: all of its reply windows have closed by now, so its
        // row (and every older one) equals the live figures.
        const today = localDay(deps.clock.now(), tz);
        await deps.reports.stats.rollupDay(em, addDays(today, -2));
        await deps.reports.stats.rollupDay(em, addDays(today, -1));
      });
    }, { timezone: tz, runOnStart: true });
    scheduler.add('reports.scheduled', deps.config.REPORT_SCHEDULE_CRON, async () => {
      await deps.schedules.tick();
    }, { timezone: tz, runOnStart: true });
    scheduler.add('reports.retry', '*/5 * * * *', async () => {
      await deps.schedules.processDue();
    }, { timezone: tz });
  };
}
