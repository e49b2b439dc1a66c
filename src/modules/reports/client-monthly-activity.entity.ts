import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

/**
 * `client_monthly_activity` (not in the PRD; a summary table for reports): one row per local
 * month and client who sent at least one inbound message that month, with `active_days`, a bit
 * mask of the month's days on which they did (bit 0 = day 1). Written only by the daily rollup
 * (monthly-summary.ts); growth's active and churned clients and retention cohorts read it for
 * rolled-up days. Per-client detail: erasure deletes it with the client's messages (cascade).
 */
export const ClientMonthlyActivity = defineEntity({
  name: 'ClientMonthlyActivity',
  tableName: 'client_monthly_activity',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** 'YYYY-MM' in TZ. */
    month: p.string().length(7),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index(false),
    activeDays: p.integer().default(0),
  },
  uniques: [{ name: 'unique_client_month', properties: ['month', 'cliente'] }],
});
export type IClientMonthlyActivity = InferEntity<typeof ClientMonthlyActivity>;
