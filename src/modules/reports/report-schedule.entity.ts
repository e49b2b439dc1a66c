import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { REPORT_TYPES } from '../campaigns/customer-report.entity.ts';

export const SCHEDULE_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

/**
 * `report_schedules`: a staff member's subscription to a report type at a frequency. Each period
 * it produces a `report_runs` row (the durable job) and a `customer_reports` row with
 * `is_scheduled` = true and `schedule_frequency`.
 */
export const ReportSchedule = defineEntity({
  name: 'ReportSchedule',
  tableName: 'report_schedules',
  properties: {
    scheduleId: p.integer().primary().autoincrement(),
    reportType: p.enum(REPORT_TYPES),
    scheduleFrequency: p.enum(SCHEDULE_FREQUENCIES),
    format: p.enum(['pdf', 'csv', 'json', 'html'] as const).default('pdf'),
    subscriber: () => p.manyToOne(Usuario).fieldName('subscriber_user_id').deleteRule('cascade'),
    isActive: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    cancelledAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'idx_report_schedule_active', properties: ['isActive'] }],
});
export type IReportSchedule = InferEntity<typeof ReportSchedule>;
