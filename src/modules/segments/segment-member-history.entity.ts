import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { CustomerSegment } from './customer-segment.entity.ts';

/**
 * `segment_member_history` (not in the PRD): a client's earlier, closed stints in a segment.
 * `segment_members` holds one row per client and segment — the current or last stint; when a
 * former member is reactivated, the stint that row described is copied here first, so every
 * join and leave stays on record.
 */
export const SegmentMemberHistory = defineEntity({
  name: 'SegmentMemberHistory',
  tableName: 'segment_member_history',
  properties: {
    historyId: p.uuid().primary().onCreate(() => randomUUID()),
    segment: () => p.manyToOne(CustomerSegment).fieldName('segment_id').deleteRule('cascade').index(false),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index('idx_segment_history_cliente'),
    joinedDate: p.datetime(),
    leftDate: p.datetime(),
    reasonJoined: p.string().length(255).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [{ name: 'idx_segment_history', properties: ['segment', 'cliente', 'joinedDate'] }],
});
export type ISegmentMemberHistory = InferEntity<typeof SegmentMemberHistory>;
