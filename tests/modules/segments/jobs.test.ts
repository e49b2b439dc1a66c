import { registerModuleJobs } from '../../../src/jobs/index.ts';
import { describe, expect, it } from 'vitest';
import { makeAdminHarness } from '../admin/harness.ts';
import type { Scheduler } from '../../../src/jobs/scheduler.ts';
import { SegmentMember } from '../../../src/modules/segments/segment-member.entity.ts';
import { CustomerScore } from '../../../src/modules/segments/customer-score.entity.ts';
import { addMessages, DAY, makeClient } from './data.ts';

describe('segment jobs', () => {
  it('registers the hourly recompute and the nightly scores (03:00 in TZ), and both do their work', async () => {
    const h = await makeAdminHarness('sqlite', { TZ: 'Europe/Madrid' });
    try {
      const jobs = new Map<string, { cron: string; fn: () => Promise<void>; timezone?: string }>();
      const scheduler: Scheduler = {
        add: (name, cron, fn, opts) => void jobs.set(name, { cron, fn, timezone: opts?.timezone }),
        runNow: async () => undefined,
        stop: async () => undefined,
        names: () => [...jobs.keys()],
      };
      registerModuleJobs(scheduler, h.services);
      expect(jobs.get('segments.recompute')).toMatchObject({ cron: '0 * * * *' });
      expect(jobs.get('segments.scores')).toMatchObject({ cron: '0 3 * * *', timezone: 'Europe/Madrid' });

      await h.grant('34600000002', 'admin');
      const admin = (await h.user('34600000002'))!;
      const c = await h.em(async (em) => {
        const c = await makeClient(em, '34615000001');
        await addMessages(em, c, h.clock.now(), [['inbound', 20]]);
        return c;
      });
      await h.em((em) => h.services.segments.create(em, { name: 'Recientes', type: 'dynamic', criteria: { engagement: { last_interaction_days: 21 } }, createdBy: admin.id }));
      h.clock.advance(2 * DAY);
      await jobs.get('segments.recompute')!.fn();
      const row = await h.em((em) => em.findOneOrFail(SegmentMember, { cliente: c.id } as never));
      expect(row.isActive).toBe(false);

      await jobs.get('segments.scores')!.fn();
      expect(await h.em((em) => em.count(CustomerScore, { cliente: c.id } as never))).toBe(5);
    } finally {
      await h.close();
    }
  });
});
