import type { Logger } from '../../logger.ts';

/**
 * Background retries for writes that failed (database locked, connection dropped…): each item is
 * tried again after growing delays and given up with an error log after the last one. Timers are
 * unref'd so a pending retry never keeps the process alive; `drain()` waits for them (replay,
 * tests, shutdown) and `close()` gives up what is left.
 */

export interface RetryQueue<T> {
  push(item: T, describe: Record<string, unknown>): void;
  pending(): number;
  drain(): Promise<void>;
  close(): void;
}

export const DEFAULT_RETRY_DELAYS_MS = [250, 1_000, 4_000, 15_000, 60_000];

export function createRetryQueue<T>(opts: {
  run(item: T): Promise<void>;
  logger: Logger;
  delaysMs?: number[];
}): RetryQueue<T> {
  const delays = opts.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timers = new Set<NodeJS.Timeout>();
  const waiters: Array<() => void> = [];
  let inFlight = 0;
  let closed = false;

  const settle = () => {
    if (timers.size || inFlight) return;
    for (const w of waiters.splice(0)) w();
  };

  const schedule = (item: T, describe: Record<string, unknown>, attempt: number) => {
    if (closed) return;
    const delay = delays[attempt - 1];
    if (delay === undefined) {
      opts.logger.error({ ...describe, attempts: attempt - 1 }, 'write failed after all retries; event not logged');
      return;
    }
    const timer = setTimeout(async () => {
      timers.delete(timer);
      inFlight++;
      try {
        await opts.run(item);
        opts.logger.info({ ...describe, attempt }, 'write succeeded on retry');
      } catch (err) {
        opts.logger.warn({ ...describe, attempt, err }, 'write retry failed');
        schedule(item, describe, attempt + 1);
      } finally {
        inFlight--;
        settle();
      }
    }, delay);
    timer.unref();
    timers.add(timer);
  };

  return {
    push: (item, describe) => schedule(item, describe, 1),
    pending: () => timers.size + inFlight,
    drain: () =>
      new Promise<void>((resolve) => {
        // The retry timers are unref'd; someone waiting for them must keep the process alive.
        const keepAlive = setInterval(() => undefined, 1_000);
        waiters.push(() => {
          clearInterval(keepAlive);
          resolve();
        });
        settle();
      }),
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      settle();
    },
  };
}
