import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { SegmentsService } from './segments.service.ts';

/**
 * The segments module's cron jobs, as data (listed in `src/jobs/index.ts`). Both jobs are set-based and idempotent: a missed or repeated
 * tick recomputes from the database, nothing is kept in memory between runs.
 */
export const SEGMENT_JOBS = [
  { name: 'segments.recompute', cron: '0 * * * *', what: 'recompute every active dynamic and hybrid segment (membership history, totals, today\'s performance rows)' },
  { name: 'segments.scores', cron: '0 3 * * *', what: 'compute the five customer scores for every client (03:00 in TZ)' },
] as const;

export function segmentJobs(segments: SegmentsService, deps: { config: Config; logger: Logger }) {
  const log = deps.logger.child({ module: 'segments' });
  return (scheduler: Scheduler): void => {
    scheduler.add(SEGMENT_JOBS[0].name, SEGMENT_JOBS[0].cron, async () => {
      const n = await segments.recomputeAll();
      log.info({ segments: n }, 'segments recomputed');
    });
    scheduler.add(SEGMENT_JOBS[1].name, SEGMENT_JOBS[1].cron, async () => {
      const n = await segments.computeScores();
      log.info({ clients: n }, 'customer scores computed');
    }, { timezone: deps.config.TZ });
  };
}
