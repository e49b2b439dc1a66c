import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { CustomerSegment } from './customer-segment.entity.ts';

/** `segment_members`: clients in a segment (with join/leave history). */
export const SegmentMember = defineEntity({
  name: 'SegmentMember',
  tableName: 'segment_members',
  properties: {
    memberId: p.uuid().primary().onCreate(() => randomUUID()),
    segment: () => p.manyToOne(CustomerSegment).fieldName('segment_id').deleteRule('cascade').index(false),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index('idx_cliente_segments'),
    joinedDate: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    leftDate: p.datetime().nullable(),
    isActive: p.boolean().default(true),
    reasonJoined: p.string().length(255).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_segment_member', properties: ['segment', 'cliente'] }],
  indexes: [{ name: 'idx_segment_members', properties: ['segment', 'isActive'] }],
});
export type ISegmentMember = InferEntity<typeof SegmentMember>;
