import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';
import { SegmentationRule } from './segmentation-rule.entity.ts';

/** `customer_segments`: manual, dynamic (rule-based) or hybrid groups of clients. */
export const CustomerSegment = defineEntity({
  name: 'CustomerSegment',
  tableName: 'customer_segments',
  properties: {
    segmentId: p.uuid().primary().onCreate(() => randomUUID()),
    segmentName: p.string().length(255),
    segmentDescription: p.text().nullable(),
    segmentType: p.enum(['manual', 'dynamic', 'hybrid'] as const),
    rule: () => p.manyToOne(SegmentationRule).fieldName('rule_id').nullable().index('idx_segment_rule'),
    totalCustomers: p.integer().default(0),
    activeCustomers: p.integer().default(0),
    createdByUser: () => p.manyToOne(Usuario).fieldName('created_by_user_id'),
    isActive: p.boolean().default(true).index('idx_segment_active'),
    lastUpdated: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type ICustomerSegment = InferEntity<typeof CustomerSegment>;
