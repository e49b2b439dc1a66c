import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const SCORE_TYPES = ['engagement', 'loyalty', 'purchase_propensity', 'churn_risk', 'lifetime_value'] as const;

/** `customer_scores`: the latest score of each type per client. */
export const CustomerScore = defineEntity({
  name: 'CustomerScore',
  tableName: 'customer_scores',
  properties: {
    scoreId: p.uuid().primary().onCreate(() => randomUUID()),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index('idx_customer_scores'),
    scoreType: p.enum(SCORE_TYPES),
    /** DECIMAL(12,2), as a string: 0–100 for the scores, money for lifetime_value (the PRD's DECIMAL(5,2) cannot hold it). */
    scoreValue: p.decimal().precision(12).scale(2).nullable(),
    scorePercentile: p.integer().nullable(),
    lastCalculated: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'unique_customer_score', properties: ['cliente', 'scoreType'] }],
  indexes: [{ name: 'idx_score_type', properties: ['scoreType', 'scoreValue'] }],
});
export type ICustomerScore = InferEntity<typeof CustomerScore>;
