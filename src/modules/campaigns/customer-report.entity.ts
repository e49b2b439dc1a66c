import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const REPORT_TYPES = ['monthly_activity', 'campaign_performance', 'channel_analysis', 'growth', 'custom'] as const;

/**
 * `customer_reports`: generated (or scheduled) reports. `cliente_id` names the client a report is
 * about; it is null for whole-business reports (channel analysis, growth, campaign…).
 */
export const CustomerReport = defineEntity({
  name: 'CustomerReport',
  tableName: 'customer_reports',
  properties: {
    reportId: p.uuid().primary().onCreate(() => randomUUID()),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').nullable().deleteRule('cascade').index(false),
    reportType: p.enum(REPORT_TYPES),
    reportTitle: p.string().length(255).nullable(),
    /** LONGTEXT in the PRD. */
    reportBody: p.text().nullable(),
    generatedByUser: () => p.manyToOne(Usuario).fieldName('generated_by_user_id').nullable(),
    dateFrom: p.date().nullable(),
    dateTo: p.date().nullable(),
    filePath: p.string().length(500).nullable(),
    format: p.enum(['pdf', 'csv', 'json', 'html'] as const).default('pdf'),
    isScheduled: p.boolean().default(false),
    scheduleFrequency: p.enum(['daily', 'weekly', 'monthly'] as const).default('weekly'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_client_reports', properties: ['cliente', 'createdAt'] }],
});
export type ICustomerReport = InferEntity<typeof CustomerReport>;
