import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { silentLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { jobs, startJobs } from '../../src/jobs/index.ts';
import type { Transport } from '../../src/transport/types.ts';

describe('src/jobs/index.ts: every module\'s background work in one list', () => {
  let db: TestOrm;
  beforeAll(async () => {
    db = await createTestOrm('sqlite');
  });
  afterAll(() => db.cleanup());

  it('starts the cron jobs, the run-time registrations and the inbox worker, and reaches transports through services', async () => {
    const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock: systemClock });
    let synced = 0;
    services.transports.add({ platform: 'baileys', businessNumberId: () => null, send: async () => ({ messageId: 'x', jid: 'x' }), state: () => ({ status: 'open', since: '', reconnects: 0 }), syncGroups: async () => void synced++ } as Transport);
    services.jobRegistrations.push((s) => s.add('legacy.registration', '0 0 * * *', async () => undefined));
    const running = startJobs({ config: db.config, logger: silentLogger(), services });
    try {
      expect(running.scheduler.names().sort()).toEqual([
        ...jobs.filter((j) => j.kind === 'cron').map((j) => j.name),
        // templates.sync only when Meta is configured (it is not here).
        'files.retention', 'segments.recompute', 'segments.scores', 'templates.alerts', 'reports.stats-rollup', 'reports.scheduled', 'reports.retry',
        'legacy.registration',
      ].sort());
      expect(jobs.map((j) => j.name)).toEqual([
        'meta.webhook-inbox', 'messaging.early-receipts', 'messaging.pending-replies', 'whatsapp.group-sync', 'whatsapp.media-repair',
        'files', 'segments', 'templates', 'reports',
      ]);
      await running.scheduler.runNow('whatsapp.group-sync');
      expect(synced).toBe(1);
      await running.scheduler.runNow('messaging.early-receipts');
      expect(services.meta.worker.size()).toBe(0);
    } finally {
      await running.stop();
      await services.ingest.close();
    }
  });
});
