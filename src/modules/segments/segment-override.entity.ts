import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { CustomerSegment } from './customer-segment.entity.ts';

/**
 * `segment_overrides`: hand-made membership decisions (not in the PRD). Manual segments are
 * their `include` rows; hybrid segments are the rule plus `include` minus `exclude`. Kept apart
 * from `segment_members` (the membership history) so a recompute can never lose a decision.
 */
export const SegmentOverride = defineEntity({
  name: 'SegmentOverride',
  tableName: 'segment_overrides',
  properties: {
    overrideId: p.uuid().primary().onCreate(() => randomUUID()),
    segment: () => p.manyToOne(CustomerSegment).fieldName('segment_id').deleteRule('cascade').index(false),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index('idx_segment_override_cliente'),
    mode: p.enum(['include', 'exclude'] as const),
    /** `manual` (chat/API) or `csv` (import). */
    source: p.string().length(20).default('manual'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_segment_override', properties: ['segment', 'cliente'] }],
});
export type ISegmentOverride = InferEntity<typeof SegmentOverride>;
