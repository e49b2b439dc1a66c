import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import type { Logger } from '../../logger.ts';
import type { InboxRow, WebhookInboxService } from './webhook-inbox.service.ts';

/**
 * In-process inbox worker: claims stored deliveries in batches and processes each batch as one
 * task on p-queue, off the HTTP request path. `kick()` after each store keeps latency low; the
 * poll timer picks up what a kick missed (rows stored by another process, retries, stale leases
 * after a crash). Between batches it yields to I/O, so a backlog never starves the webhook
 * endpoint: Meta keeps getting fast 200s while the inbox drains.
 */

export interface ProcessOutcome {
  /** Per-change/per-item problems; a non-empty list sends the row back for a retry. */
  errors: string[];
  /** Items that were not usable but need no retry (untracked status, unhandled field…). */
  skipped: string[];
}

export interface InboxWorker {
  start(): void;
  kick(): void;
  /**
   * Resolves when nothing claimable is left and nothing is running (tests, benchmark). Rows
   * waiting out their retry delay do not hold it up.
   */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Deliveries claimed and queued or being processed in this process. */
  size(): number;
}

export interface WorkerOptions {
  inbox: WebhookInboxService;
  processBatch(rows: InboxRow[]): Promise<Map<string, ProcessOutcome>>;
  logger: Logger;
  /** SQLite has one connection: 1 keeps units of work from interleaving. */
  concurrency?: number;
  batchSize?: number;
  /**
   * After a partial batch, wait this long before claiming again: under a stream of deliveries the
   * next claim then takes many rows at once (one ingest transaction for all) instead of one each.
   */
  gatherMs?: number;
  pollMs?: number;
  /**
   * Periodic housekeeping run on the worker's queue (so it never interleaves with a batch on
   * SQLite's one connection): re-applying early statuses. At most every `maintenanceMs`, and once
   * at the end of every `drain()`.
   */
  maintenance?(): Promise<unknown>;
  maintenanceMs?: number;
  onOutcome?(outcome: 'done' | 'retry' | 'failed', count: number): void;
}

export function createInboxWorker(opts: WorkerOptions): InboxWorker {
  const log = opts.logger.child({ module: 'meta.worker' });
  const queue = new PQueue({ concurrency: opts.concurrency ?? 1 });
  const batchSize = opts.batchSize ?? 50;
  const gatherMs = opts.gatherMs ?? 20;
  let timer: NodeJS.Timeout | null = null;
  let pumping: Promise<number> | null = null;
  let again = false;
  let stopped = false;
  let inFlight = 0;
  let lastMaintenance = 0;

  function maintain(force = false): Promise<void> {
    const run = opts.maintenance;
    if (!run || stopped) return Promise.resolve();
    if (!force && Date.now() - lastMaintenance < (opts.maintenanceMs ?? 30_000)) return Promise.resolve();
    lastMaintenance = Date.now();
    return queue.add(async () => {
      try {
        await run();
      } catch (err) {
        log.warn({ err }, 'webhook maintenance failed');
      }
    });
  }

  async function settle(row: InboxRow, outcome: ProcessOutcome): Promise<void> {
    if (!outcome.errors.length) return;
    const status = await opts.inbox.retry(row, outcome.errors.join('\n'));
    log.warn({ inboxId: row.id, attempts: row.attempts, status, errors: outcome.errors }, 'webhook delivery partly failed');
    opts.onOutcome?.(status === 'failed' ? 'failed' : 'retry', 1);
  }

  async function handle(rows: InboxRow[]): Promise<void> {
    try {
      let outcomes: Map<string, ProcessOutcome>;
      try {
        outcomes = await opts.processBatch(rows);
      } catch (err) {
        log.error({ err, deliveries: rows.length }, 'webhook batch failed');
        const error = { errors: [(err as Error)?.message ?? String(err)], skipped: [] };
        outcomes = new Map(rows.map((r) => [r.id, error]));
      }
      const clean = rows.filter((r) => !outcomes.get(r.id)?.errors.length);
      await opts.inbox.completeMany(clean.map((r) => ({ row: r, problems: outcomes.get(r.id)?.skipped ?? [] })));
      if (clean.length) opts.onOutcome?.('done', clean.length);
      for (const r of rows) await settle(r, outcomes.get(r.id) ?? { errors: ['no outcome'], skipped: [] });
    } catch (err) {
      // Bookkeeping failed (database down): the leases expire and the rows are claimed again.
      log.error({ err }, 'could not record webhook outcomes');
    } finally {
      inFlight -= rows.length;
    }
  }

  /** Claims and processes until nothing is claimable; returns how many rows it claimed. */
  async function pumpLoop(): Promise<number> {
    let claimed = 0;
    do {
      again = false;
      for (;;) {
        if (stopped) return claimed;
        const rows = await opts.inbox.claim(batchSize);
        if (!rows.length) break;
        claimed += rows.length;
        inFlight += rows.length;
        await queue.add(() => handle(rows));
        if (rows.length < batchSize && gatherMs > 0) await sleep(gatherMs);
        else await yieldToIo();
      }
    } while (again && !stopped);
    return claimed;
  }

  function pump(): Promise<number> {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = pumpLoop()
      .catch((err) => {
        log.error({ err }, 'webhook inbox pump failed');
        return 0;
      })
      .finally(() => {
        pumping = null;
      });
    return pumping;
  }

  return {
    start() {
      stopped = false;
      if (!timer) {
        timer = setInterval(() => {
          void pump().then(() => maintain());
        }, opts.pollMs ?? 5_000);
        timer.unref();
      }
      void pump();
    },
    kick() {
      if (!stopped) void pump();
    },
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const claimed = await pump();
        await queue.onIdle();
        if (claimed === 0 && inFlight === 0) {
          await maintain(true);
          return;
        }
      }
      throw new Error(`webhook inbox did not drain within ${timeoutMs} ms`);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await pumping;
      await queue.onIdle();
    },
    size: () => inFlight,
  };
}
