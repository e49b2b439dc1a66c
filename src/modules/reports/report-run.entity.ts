import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerReport } from '../campaigns/customer-report.entity.ts';
import { ReportSchedule } from './report-schedule.entity.ts';

export const RUN_STATUSES = ['pending', 'running', 'delivered', 'failed'] as const;

/**
 * `report_runs`: one scheduled generation + delivery (schedule, period). Unique per period, so a
 * tick that runs twice, or two instances, never create a second one; claimed with a conditional
 * update and a lease; retried with backoff; `failed` after the last attempt (and the subscriber
 * is told), never dropped.
 */
export const ReportRun = defineEntity({
  name: 'ReportRun',
  tableName: 'report_runs',
  properties: {
    runId: p.uuid().primary().onCreate(() => randomUUID()),
    schedule: () => p.manyToOne(ReportSchedule).fieldName('schedule_id').deleteRule('cascade').index(false),
    /** 'YYYY-MM-DD' (daily), the Monday 'YYYY-MM-DD' (weekly) or 'YYYY-MM' (monthly). */
    periodKey: p.string().length(10),
    status: p.enum(RUN_STATUSES).default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    claimedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    report: () => p.manyToOne(CustomerReport).fieldName('report_id').nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'unique_report_run', properties: ['schedule', 'periodKey'] }],
  indexes: [{ name: 'idx_report_run_status', properties: ['status', 'nextAttemptAt'] }],
});
export type IReportRun = InferEntity<typeof ReportRun>;
