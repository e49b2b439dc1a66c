import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { filesJobs } from '../modules/files/files.jobs.ts';
import { segmentJobs } from '../modules/segments/jobs.ts';
import { reportJobs } from '../modules/reports/reports.jobs.ts';

/**
 * Every module's background work, in one list (as commands/index.ts lists the commands). Jobs
 * work on durable rows, so a restart loses nothing: an interrupted tick simply runs again. They
 * reach transports through `services.transports` (whichever are running), never the other way
 * round. Two kinds: cron ticks (node-cron) and long-running workers with start/stop.
 */

export interface JobContext {
  config: Config;
  logger: Logger;
  services: Services;
}

export type Job =
  | { kind: 'cron'; name: string; schedule(config: Config): string; run(ctx: JobContext): Promise<void> }
  /** A module whose cron jobs are built from its running services (several jobs, optional ones). */
  | { kind: 'module'; name: string; register(scheduler: Scheduler, ctx: JobContext): void }
  | { kind: 'worker'; name: string; start(ctx: JobContext): void; stop(ctx: JobContext): Promise<void> };

export const jobs: Job[] = [
  // meta: the durable webhook inbox (claims stored deliveries; also kicked by each webhook).
  { kind: 'worker', name: 'meta.webhook-inbox', start: ({ services }) => services.meta.worker.start(), stop: ({ services }) => services.meta.worker.stop() },
  // messaging: receipts that arrived before their send was recorded (both platforms).
  {
    kind: 'cron',
    name: 'messaging.early-receipts',
    schedule: () => '*/30 * * * * *',
    run: async ({ services }) => void (await services.ingest.sweepEarlyReceipts()),
  },
  // messaging: answers what a failed send or a crash left pending (replies.ts), every minute,
  // through the sweepers the running channels registered. Cheap when there is nothing.
  { kind: 'cron', name: 'messaging.pending-replies', schedule: () => '* * * * *', run: ({ services }) => services.replies.sweep() },
  // whatsapp (Baileys): group re-sync and failed media downloads.
  {
    kind: 'cron',
    name: 'whatsapp.group-sync',
    schedule: (config) => config.GROUP_SYNC_CRON,
    run: async ({ services }) => {
      for (const t of services.transports.all()) await t.syncGroups?.();
    },
  },
  {
    kind: 'cron',
    name: 'whatsapp.media-repair',
    schedule: () => '17 * * * *',
    run: async ({ services }) => {
      for (const t of services.transports.all()) await t.repairMedia?.();
    },
  },
  // files: retention (daily) and scheduled per-client backups (BACKUP_CRON, when set).
  {
    kind: 'module',
    name: 'files',
    register: (scheduler, { config, services }) => {
      for (const job of filesJobs({ config, orm: services.deps.orm, files: services.files })) scheduler.add(job.name, job.cron, job.run, { timezone: config.TZ });
    },
  },
  // segments: hourly recompute of dynamic segments, nightly scores (03:00 in TZ).
  { kind: 'module', name: 'segments', register: (scheduler, { services }) => segmentJobs(services.segments, services.deps)(scheduler) },
  // templates: approval sync with Meta (TEMPLATE_SYNC_CRON).
  { kind: 'module', name: 'templates', register: (scheduler, { services }) => services.templates.registerJobs(scheduler) },
  // reports: channel statistics rollup (and backfill on start), scheduled reports and their retries.
  {
    kind: 'module',
    name: 'reports',
    register: (scheduler, { services }) => reportJobs({ ...services.deps, reports: services.reports, schedules: services.reportSchedules })(scheduler),
  },
];

/** Starts every job (and the run-time registrations in `services.jobRegistrations`); returns the stop function. */
export function startJobs(ctx: JobContext, list: Job[] = jobs): { scheduler: Scheduler; stop(): Promise<void> } {
  const scheduler = createScheduler(ctx.logger);
  const workers = list.filter((j) => j.kind === 'worker');
  for (const job of list) {
    if (job.kind === 'cron') scheduler.add(job.name, job.schedule(ctx.config), () => job.run(ctx), { timezone: ctx.config.TZ });
    if (job.kind === 'module') job.register(scheduler, ctx);
  }
  for (const register of ctx.services.jobRegistrations) register(scheduler);
  for (const w of workers) w.start(ctx);
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
      for (const w of workers) await w.stop(ctx);
    },
  };
}

/** Registers the module jobs (files, segments, templates, reports) on a scheduler: what tests run one by one. */
export function registerModuleJobs(scheduler: Scheduler, services: Services, list: Job[] = jobs): void {
  const ctx: JobContext = { config: services.deps.config, logger: services.deps.logger, services };
  for (const job of list) if (job.kind === 'module') job.register(scheduler, ctx);
}
