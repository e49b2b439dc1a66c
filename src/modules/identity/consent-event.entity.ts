import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from './usuario.entity.ts';

/**
 * `consent_events`: the history behind `usuarios.marketing_consent`, one row per grant or
 * revocation with where it came from — what a data-protection authority (or the customer's own
 * export) asks for, and what campaign audiences are justified by.
 */
export const ConsentEvent = defineEntity({
  name: 'ConsentEvent',
  tableName: 'consent_events',
  properties: {
    id: p.integer().primary().autoincrement(),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index(false),
    action: p.enum(['granted', 'revoked'] as const),
    source: p.string().length(100),
    createdAt: p.datetime(),
  },
  indexes: [{ name: 'idx_consent_cliente', properties: ['cliente', 'createdAt'] }],
});
export type IConsentEvent = InferEntity<typeof ConsentEvent>;
