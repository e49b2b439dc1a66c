import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const RULE_TYPES = ['demographic', 'behavioral', 'engagement', 'transactional', 'custom'] as const;

/** `segmentation_rules`: JSON criteria that dynamic segments are computed from. */
export const SegmentationRule = defineEntity({
  name: 'SegmentationRule',
  tableName: 'segmentation_rules',
  properties: {
    ruleId: p.uuid().primary().onCreate(() => randomUUID()),
    ruleName: p.string().length(255),
    description: p.text().nullable(),
    ruleType: p.enum(RULE_TYPES),
    criteriaJson: p.json<Record<string, unknown>>(),
    createdByUser: () => p.manyToOne(Usuario).fieldName('created_by_user_id'),
    isActive: p.boolean().default(true).index('idx_rule_active'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type ISegmentationRule = InferEntity<typeof SegmentationRule>;
