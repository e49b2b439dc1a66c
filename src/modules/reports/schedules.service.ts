import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import type { Reply } from '../../transport/types.ts';
import { addDays, addMonths, dayStart, localDay, monthDays } from './dates.ts';
import { ReportRun } from './report-run.entity.ts';
import { ReportSchedule, type ScheduleFrequency } from './report-schedule.entity.ts';
import { checkFormat, type GeneratedReport, type ReportFormat, type ReportRequest, type ReportsService, type ReportType } from './reports.service.ts';

/**
 * Scheduled reports. A subscription (`report_schedules`) yields one durable run per closed
 * period (`report_runs`, unique per schedule + period): daily → yesterday, weekly → last
 * Monday–Sunday, monthly → last month; only periods that ended after the subscription was made.
 * Each tick enqueues due runs (insert-or-ignore; periods missed while the process was down are
 * caught up, up to 7), then works every run that is due: claim
 * (conditional update, 15-minute lease so a crashed worker's run is taken again), generate
 * once (the report id is kept on the run), deliver to the subscriber in chat, mark delivered.
 * A failure is retried with backoff (5, 10, 20, 40 min); after the 5th attempt the run is
 * `failed` (kept, shown in `/reporte programados`) and the subscriber is told.
 */

export const MAX_ATTEMPTS = 5;
/** Closed periods a tick looks back over (the latest included) for runs never enqueued. */
const CATCH_UP_PERIODS = 7;
const LEASE_MS = 15 * 60_000;
const BACKOFF_MS = 5 * 60_000;

/** The period a run covers → the report request. */
export function requestFor(type: ReportType, frequency: ScheduleFrequency, periodKey: string, format: ReportFormat): ReportRequest {
  const [from, to] = frequency === 'monthly' ? monthDays(periodKey) : frequency === 'weekly' ? [periodKey, addDays(periodKey, 6)] : [periodKey, periodKey];
  switch (type) {
    case 'monthly_activity':
      return { type, format, month: to.slice(0, 7) };
    case 'growth':
      return { type, format, from: addMonths(to.slice(0, 7), -5), to: to.slice(0, 7) };
    case 'custom':
      return { type, format, from, to, metrics: ['entrantes', 'salientes', 'fallidos', 'usuarios', 'respuesta', 'coste'] };
    default:
      return { type, format, from, to };
  }
}

/** The latest closed period at `now` (in TZ): its key and the instant it ended. */
export function lastClosedPeriod(frequency: ScheduleFrequency, now: Date, tz?: string): { key: string; end: Date } {
  const today = localDay(now, tz);
  if (frequency === 'daily') return { key: addDays(today, -1), end: dayStart(today, tz) };
  if (frequency === 'monthly') return { key: addMonths(today.slice(0, 7), -1), end: dayStart(`${today.slice(0, 7)}-01`, tz) };
  const dow = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const thisMonday = addDays(today, -dow);
  return { key: addDays(thisMonday, -7), end: dayStart(thisMonday, tz) };
}

/** The instant a period (as keyed by lastClosedPeriod) starts. */
function periodStart(frequency: ScheduleFrequency, key: string, tz?: string): Date {
  return dayStart(frequency === 'monthly' ? `${key}-01` : key, tz);
}

export interface ScheduleDeps {
  orm: Orm;
  clock: Clock;
  logger: Logger;
  tz?: string;
  reports: ReportsService;
  /** Sends replies to a phone (services.outbound.send in the app). */
  deliver(phone: string, replies: Reply[]): Promise<void>;
}

/** Chat replies for a generated report: the main chart with the two-line summary, then the file. */
export function reportReplies(r: GeneratedReport, opts: { withChart: boolean }): Reply[] {
  const out: Reply[] = [];
  const caption = t('reports.delivered_caption', { title: r.title, summary: r.summary.join('\n') });
  if (opts.withChart) out.push({ kind: 'image', buffer: r.mainChart.png, mimetype: 'image/png', caption });
  else out.push({ kind: 'text', text: caption });
  out.push({ kind: 'document', buffer: r.bytes, fileName: r.fileName, mimetype: r.mimeType, caption: t('reports.file_caption', { title: r.title, format: r.format.toUpperCase() }) });
  return out;
}

export function createReportSchedules(deps: ScheduleDeps) {
  const log = deps.logger.child({ module: 'report-schedules' });

  async function subscribe(em: EntityManager, subscriberId: number, type: ReportType, frequency: ScheduleFrequency, format: ReportFormat = 'pdf') {
    if (type === 'campaign_performance') throw new ValidationError(t('reports.not_schedulable'));
    checkFormat(format);
    const existing = await em.findOne(ReportSchedule, { subscriber: subscriberId, reportType: type, scheduleFrequency: frequency, format, isActive: true } as never);
    if (existing) return { schedule: existing, created: false };
    const schedule = em.create(ReportSchedule, { subscriber: subscriberId, reportType: type, scheduleFrequency: frequency, format, isActive: true, createdAt: deps.clock.now() } as never);
    await em.flush();
    return { schedule, created: true };
  }

  async function list(em: EntityManager, subscriberId: number) {
    const schedules = await em.find(ReportSchedule, { subscriber: subscriberId, isActive: true } as never, { orderBy: { scheduleId: 'asc' } });
    const out = [];
    for (const s of schedules) {
      const last = await em.findOne(ReportRun, { schedule: s.scheduleId } as never, { orderBy: { createdAt: 'desc' } });
      out.push({ schedule: s, last });
    }
    return out;
  }

  async function cancel(em: EntityManager, subscriberId: number, id: number) {
    const n = await em.nativeUpdate(ReportSchedule, { scheduleId: id, subscriber: subscriberId, isActive: true } as never, { isActive: false, cancelledAt: deps.clock.now() } as never);
    if (!n) throw new NotFoundError(t('reports.schedule_not_found', { id: String(id) }), 'SCHEDULE_NOT_FOUND');
  }

  /**
   * Creates the runs of the closed periods for every active subscription (idempotent): the latest
   * and up to CATCH_UP_PERIODS − 1 before it that ended after the subscription was made, oldest
   * first, so a period whose tick never ran (the process was down at 08:00) is still sent.
   */
  async function enqueueDue(em: EntityManager): Promise<number> {
    const now = deps.clock.now();
    let created = 0;
    for (const s of await em.find(ReportSchedule, { isActive: true } as never)) {
      const periods: string[] = [];
      let period = lastClosedPeriod(s.scheduleFrequency, now, deps.tz);
      while (periods.length < CATCH_UP_PERIODS && period.end.getTime() > new Date(s.createdAt).getTime()) {
        periods.unshift(period.key);
        period = lastClosedPeriod(s.scheduleFrequency, periodStart(s.scheduleFrequency, period.key, deps.tz), deps.tz);
      }
      for (const key of periods) {
        const res = await em.createQueryBuilder(ReportRun)
          .insert({ runId: crypto.randomUUID(), schedule: s.scheduleId, periodKey: key, status: 'pending', attempts: 0, createdAt: now, updatedAt: now } as never)
          .onConflict(['schedule', 'periodKey'] as never).ignore().execute();
        created += Number((res as { affectedRows?: number }).affectedRows ?? 0);
      }
    }
    return created;
  }

  async function claim(em: EntityManager, runId: string): Promise<boolean> {
    const now = deps.clock.now();
    const n = await em.nativeUpdate(ReportRun, {
      runId,
      $or: [
        { status: 'pending', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
        { status: 'running', claimedAt: { $lt: new Date(now.getTime() - LEASE_MS) } },
      ],
    } as never, { status: 'running', claimedAt: now, attempts: raw('attempts + 1') } as never);
    return n === 1;
  }

  async function work(runId: string): Promise<'delivered' | 'retry' | 'failed' | 'skipped'> {
    return withEm(deps.orm, async (em) => {
      if (!(await claim(em, runId))) return 'skipped';
      const run = await em.findOneOrFail(ReportRun, { runId } as never, { populate: ['schedule', 'schedule.subscriber'] as never });
      const schedule = run.schedule as unknown as { scheduleId: number; reportType: ReportType; scheduleFrequency: ScheduleFrequency; format: ReportFormat; subscriber: { id: number; phoneNumber: string } };
      const phone = schedule.subscriber.phoneNumber;
      try {
        const req = { ...requestFor(schedule.reportType, schedule.scheduleFrequency, run.periodKey, schedule.format), generatedBy: schedule.subscriber.id, schedule: { frequency: schedule.scheduleFrequency } };
        // Generated once per run: a retry after a failed delivery sends the same report again.
        const report = await deps.reports.regenerateOrLoad(em, run.report ? (run.report as { reportId: string }).reportId : null, req);
        run.report = report.reportId as never;
        await em.flush();
        await deps.deliver(phone, reportReplies(report, { withChart: schedule.format === 'pdf' }));
        await em.nativeUpdate(ReportRun, { runId } as never, { status: 'delivered', lastError: null, updatedAt: deps.clock.now() } as never);
        return 'delivered';
      } catch (err) {
        const error = String((err as Error)?.message ?? err).slice(0, 500);
        const attempts = run.attempts;
        const final = attempts >= MAX_ATTEMPTS;
        await em.nativeUpdate(ReportRun, { runId } as never, {
          status: final ? 'failed' : 'pending',
          lastError: error,
          nextAttemptAt: final ? null : new Date(deps.clock.now().getTime() + BACKOFF_MS * 2 ** (attempts - 1)),
          updatedAt: deps.clock.now(),
        } as never);
        log.error({ err, runId, scheduleId: schedule.scheduleId, attempts, final }, 'scheduled report failed');
        if (final) {
          await deps
            .deliver(phone, [{ kind: 'text', text: t('reports.scheduled_failed', { id: String(schedule.scheduleId), type: t(`reports.type.${schedule.reportType}`), period: run.periodKey, attempts, error }) }])
            .catch((e: unknown) => log.error({ err: e, runId }, 'could not tell the subscriber about the failed report'));
        }
        return final ? 'failed' : 'retry';
      }
    });
  }

  /** Works every run that is due now (pending past its retry time, or a lapsed lease). */
  async function processDue(): Promise<Record<string, number>> {
    const now = deps.clock.now();
    const due = await withEm(deps.orm, (em) =>
      em.find(ReportRun, {
        // A cancelled subscription's pending runs are not sent.
        schedule: { isActive: true },
        $or: [
          { status: 'pending', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
          { status: 'running', claimedAt: { $lt: new Date(now.getTime() - LEASE_MS) } },
        ],
      } as never, { orderBy: { createdAt: 'asc', periodKey: 'asc' }, limit: 100 }),
    );
    const counts: Record<string, number> = {};
    for (const run of due) {
      const outcome = await work(run.runId);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return counts;
  }

  /** One scheduler tick: enqueue what is due, then work it. */
  async function tick(): Promise<Record<string, number>> {
    await withEm(deps.orm, (em) => enqueueDue(em));
    return processDue();
  }

  return { subscribe, list, cancel, enqueueDue, processDue, tick };
}

export type ReportSchedules = ReturnType<typeof createReportSchedules>;
