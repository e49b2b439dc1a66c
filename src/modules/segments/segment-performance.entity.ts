import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSegment } from './customer-segment.entity.ts';

/** `segment_performance`: daily metric samples per segment (engagement, conversion, churn…). */
export const SegmentPerformance = defineEntity({
  name: 'SegmentPerformance',
  tableName: 'segment_performance',
  properties: {
    performanceId: p.uuid().primary().onCreate(() => randomUUID()),
    segment: () => p.manyToOne(CustomerSegment).fieldName('segment_id').deleteRule('cascade'),
    /** 'YYYY-MM-DD'. */
    date: p.date().fieldName('date').nullable(),
    metricName: p.string().length(100).nullable(),
    /** DECIMAL(10,2), as a string. */
    metricValue: p.decimal().precision(10).scale(2).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ISegmentPerformance = InferEntity<typeof SegmentPerformance>;
