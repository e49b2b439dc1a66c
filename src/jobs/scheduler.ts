import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';

/**
 * node-cron triggers only; durable state lives in the database, so a job that was interrupted
 * simply runs again on its next tick. A tick never overlaps the previous run of the same job.
 */
export interface Scheduler {
  add(name: string, expression: string, fn: () => Promise<void>, opts?: { timezone?: string; runOnStart?: boolean }): void;
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
  names(): string[];
}

export function createScheduler(logger: Logger): Scheduler {
  const jobs = new Map<string, { task: ScheduledTask; fn: () => Promise<void>; running: Promise<void> | null }>();
  let stopped = false;

  const run = async (name: string): Promise<void> => {
    const job = jobs.get(name);
    if (!job || stopped) return;
    if (job.running) return job.running;
    const log = logger.child({ module: 'jobs', job: name });
    const started = Date.now();
    job.running = job
      .fn()
      .then(() => log.debug({ ms: Date.now() - started }, 'job done'))
      .catch((err) => log.error({ err }, 'job failed'))
      .finally(() => {
        job.running = null;
      });
    return job.running;
  };

  return {
    add(name, expression, fn, opts = {}) {
      if (jobs.has(name)) throw new Error(`job ${name} already scheduled`);
      const task = cron.schedule(expression, () => void run(name), { timezone: opts.timezone, name });
      jobs.set(name, { task, fn, running: null });
      if (opts.runOnStart) void run(name);
    },
    runNow: run,
    names: () => [...jobs.keys()],
    async stop() {
      stopped = true;
      for (const job of jobs.values()) await job.task.stop();
      await Promise.all([...jobs.values()].map((j) => j.running));
    },
  };
}
