import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import { silentLogger } from '../../../src/logger.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { WebhookInbox } from '../../../src/modules/meta/webhook-inbox.entity.ts';
import { createWebhookInbox } from '../../../src/modules/meta/webhook-inbox.service.ts';
import { createInboxWorker, type ProcessOutcome } from '../../../src/modules/meta/webhook-worker.ts';
import type { InboxRow } from '../../../src/modules/meta/webhook-inbox.service.ts';

/** A batch processor from a per-row function (the real processor isolates each change itself). */
const perRow = (fn: (r: InboxRow) => Promise<ProcessOutcome>) => async (rows: InboxRow[]) => {
  const out = new Map<string, ProcessOutcome>();
  for (const r of rows) out.set(r.id, await fn(r));
  return out;
};

const kinds = [{ kind: 'sqlite' as const, run: true }, { kind: 'postgresql' as const, run: await pgAvailable() }];

describe.each(kinds.filter((k) => k.run))('webhook inbox on $kind', ({ kind }) => {
  let db: TestOrm;
  beforeAll(async () => {
    db = await createTestOrm(kind);
  });
  afterAll(() => db.cleanup());

  const clear = () => db.orm.em.fork().nativeDelete(WebhookInbox, {});
  const row = (id: string) => db.orm.em.fork().findOneOrFail(WebhookInbox, { id });

  describe('webhook inbox', () => {
    it('stores once per dedupe key', async () => {
      await clear();
      const inbox = createWebhookInbox({ orm: db.orm, clock: new ManualClock() });
      const a = await inbox.store('k-1', { n: 1 });
      const b = await inbox.store('k-1', { n: 1 });
      expect(a.stored).toBe(true);
      expect(b).toEqual({ stored: false, id: null });
      expect(await inbox.pendingCount()).toBe(1);
    });

    it('claims pending rows once, oldest first, and marks them processing with an attempt', async () => {
      await clear();
      const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
      const inbox = createWebhookInbox({ orm: db.orm, clock });
      await inbox.store('first', { n: 1 });
      clock.advance(1000);
      await inbox.store('second', { n: 2 });
      const claimed = await inbox.claim(10);
      expect(claimed.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(claimed.every((r) => r.attempts === 1)).toBe(true);
      expect(await inbox.claim(10)).toEqual([]);
      expect((await row(claimed[0].id)).status).toBe('processing');
    });

    it('reclaims a processing row whose worker died after the stale timeout (nothing is lost)', async () => {
      await clear();
      const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
      const inbox = createWebhookInbox({ orm: db.orm, clock, staleMs: 60_000 });
      await inbox.store('crash', { n: 1 });
      const [first] = await inbox.claim(10);
      // The "crashed" worker never completes it.
      clock.advance(59_000);
      expect(await inbox.claim(10)).toEqual([]);
      clock.advance(2_000);
      const [again] = await inbox.claim(10);
      expect(again.id).toBe(first.id);
      expect(again.attempts).toBe(2);
      await inbox.complete(again, []);
      expect((await row(first.id)).status).toBe('done');
      // The late completion of the first lease does not touch the row again.
      await inbox.retry(first, 'late');
      expect(await row(first.id)).toMatchObject({ status: 'done', lastError: null });
    });

    it('retries after the delay and gives up as failed after maxAttempts, keeping the last error', async () => {
      await clear();
      const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
      const inbox = createWebhookInbox({ orm: db.orm, clock, maxAttempts: 2, retryDelayMs: 5_000 });
      const { id } = await inbox.store('flaky', { n: 1 });
      const [a] = await inbox.claim(10);
      expect(await inbox.retry(a, 'db locked')).toBe('pending');
      expect(await inbox.claim(10)).toEqual([]);
      clock.advance(5_000);
      const [b] = await inbox.claim(10);
      expect(await inbox.retry(b, 'db locked again')).toBe('failed');
      expect(await row(id!)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'db locked again' });
      expect(await inbox.pendingCount()).toBe(0);
    });
  });

  describe('inbox worker', () => {
    it('processes every stored row, records problems, and retries rows whose items failed', async () => {
      await clear();
      const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
      const inbox = createWebhookInbox({ orm: db.orm, clock, retryDelayMs: 0, maxAttempts: 3 });
      const seen: unknown[] = [];
      let failOnce = true;
      const worker = createInboxWorker({
        inbox,
        logger: silentLogger(),
        processBatch: perRow(async (r) => {
          seen.push(r.payload);
          if ((r.payload as { n: number }).n === 2 && failOnce) {
            failOnce = false;
            return { errors: ['entry 0 / change 0: boom'], skipped: [] };
          }
          return { errors: [], skipped: (r.payload as { n: number }).n === 3 ? ['status "deleted" not tracked'] : [] };
        }),
      });
      for (const n of [1, 2, 3]) await inbox.store(`w-${n}`, { n });
      worker.start();
      await worker.drain(5_000);
      await worker.stop();
      // Row 2 is seen twice: its first attempt reported an item error.
      expect(seen.map((p) => (p as { n: number }).n).sort()).toEqual([1, 2, 2, 3]);
      const rows = await db.orm.em.fork().find(WebhookInbox, {}, { orderBy: { dedupeKey: 'asc' } });
      expect(rows.map((r) => [r.dedupeKey, r.status, r.attempts, r.lastError])).toEqual([
        ['w-1', 'done', 1, null],
        ['w-2', 'done', 2, null],
        ['w-3', 'done', 1, 'status "deleted" not tracked'],
      ]);
    });

    it('survives a batch processor that throws: the whole batch is retried, the worker keeps going', async () => {
      await clear();
      const inbox = createWebhookInbox({ orm: db.orm, clock: new ManualClock(), retryDelayMs: 0, maxAttempts: 3 });
      let calls = 0;
      const worker = createInboxWorker({
        inbox,
        logger: silentLogger(),
        processBatch: async (rows) => {
          if (++calls === 1) throw new Error('database is locked');
          return new Map(rows.map((r) => [r.id, { errors: [], skipped: [] }]));
        },
      });
      await inbox.store('t-1', { n: 1 });
      await inbox.store('t-2', { n: 2 });
      worker.start();
      await worker.drain(5_000);
      await worker.stop();
      const rows = await db.orm.em.fork().find(WebhookInbox, {}, { orderBy: { dedupeKey: 'asc' } });
      expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([['done', 2, null], ['done', 2, null]]);
      expect(calls).toBe(2);
    });

    it('runs its maintenance on the poll timer (throttled) and at the end of every drain, surviving its failures', async () => {
      await clear();
      const inbox = createWebhookInbox({ orm: db.orm, clock: new ManualClock() });
      let runs = 0;
      const worker = createInboxWorker({
        inbox,
        logger: silentLogger(),
        processBatch: perRow(async () => ({ errors: [], skipped: [] })),
        pollMs: 10,
        maintenanceMs: 60_000,
        maintenance: async () => {
          runs++;
          throw new Error('sweep failed');
        },
      });
      worker.start();
      await new Promise((r) => setTimeout(r, 120));
      // Many ticks, one run: the rest fell inside maintenanceMs.
      expect(runs).toBe(1);
      await worker.drain(5_000);
      expect(runs).toBe(2);
      await inbox.store('after-maintenance', { n: 1 });
      await worker.drain(5_000);
      await worker.stop();
      expect((await db.orm.em.fork().findOneOrFail(WebhookInbox, { dedupeKey: 'after-maintenance' })).status).toBe('done');
    });

    it('gives up on a delivery that keeps failing after maxAttempts', async () => {
      await clear();
      const inbox = createWebhookInbox({ orm: db.orm, clock: new ManualClock(), retryDelayMs: 0, maxAttempts: 2 });
      const worker = createInboxWorker({
        inbox,
        logger: silentLogger(),
        processBatch: perRow(async (r) => ({ errors: (r.payload as { n: number }).n === 1 ? ['entry 0 / change 0: unexpected'] : [], skipped: [] })),
      });
      await inbox.store('f-1', { n: 1 });
      await inbox.store('f-2', { n: 2 });
      worker.start();
      await worker.drain(5_000);
      await worker.stop();
      const rows = await db.orm.em.fork().find(WebhookInbox, {}, { orderBy: { dedupeKey: 'asc' } });
      expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([['failed', 2, 'entry 0 / change 0: unexpected'], ['done', 1, null]]);
    });
  });

    it('never hands the same delivery to two concurrent claimers', async () => {
      await clear();
      const inbox = createWebhookInbox({ orm: db.orm, clock: new ManualClock() });
      for (let i = 0; i < 40; i++) await inbox.store(`c-${i}`, { n: i });
      const batches = await Promise.all([inbox.claim(25), inbox.claim(25), inbox.claim(25)]);
      const ids = batches.flat().map((r) => r.id);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    });
});
