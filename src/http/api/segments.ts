import type { FastifyInstance } from 'fastify';
import type { ICustomerSegment } from '../../modules/segments/customer-segment.entity.ts';
import { errorRef, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** /api/segments: list, and members of one segment (paginated, active members by default); the segments service does the work. */

const segmentSchema = {
  type: 'object',
  properties: {
    segment_id: { type: 'string' },
    segment_name: { type: 'string' },
    segment_description: nullableString,
    segment_type: { type: 'string' },
    total_customers: { type: 'integer' },
    active_customers: { type: 'integer' },
    is_active: { type: 'boolean' },
    last_updated: nullableDateTime,
    created_at: nullableDateTime,
  },
} as const;

const memberSchema = {
  type: 'object',
  properties: {
    cliente_id: { type: 'integer' },
    phone: { type: 'string' },
    nombre: nullableString,
    joined_date: nullableDateTime,
    left_date: nullableDateTime,
    is_active: { type: 'boolean' },
    reason_joined: nullableString,
  },
} as const;

const segmentJson = (s: ICustomerSegment) => ({
  segment_id: s.segmentId,
  segment_name: s.segmentName,
  segment_description: s.segmentDescription ?? null,
  segment_type: s.segmentType,
  total_customers: s.totalCustomers,
  active_customers: s.activeCustomers,
  is_active: s.isActive,
  last_updated: iso(s.lastUpdated),
  created_at: iso(s.createdAt),
});

export async function segmentRoutes(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { guards, orm, services } = opts;

  app.get('/segments', {
    ...protect(guards, 'segments.read'),
    schema: {
      tags: ['segments'], summary: 'Lista de segmentos', security: bearer,
      querystring: { type: 'object', properties: { ...paginationQuery, active: { type: 'boolean' } }, additionalProperties: false },
      response: { 200: pageOf(segmentSchema), ...protectedErrors },
    },
  }, async (req) => {
    const q = req.query as { limit: number; offset: number; active?: boolean };
    const { items, total } = await services.segments.list(emOf(orm), q);
    return { items: items.map(segmentJson), total, limit: q.limit, offset: q.offset };
  });

  app.get('/segments/:id/members', {
    ...protect(guards, 'segments.read'),
    schema: {
      tags: ['segments'], summary: 'Miembros de un segmento', security: bearer, params: uuidParam('id'),
      querystring: { type: 'object', properties: { ...paginationQuery, include_inactive: { type: 'boolean', default: false } }, additionalProperties: false },
      response: { 200: pageOf(memberSchema), ...protectedErrors, 404: errorRef },
    },
  }, async (req) => {
    const id = (req.params as { id: string }).id;
    const q = req.query as { limit: number; offset: number; include_inactive: boolean };
    const em = emOf(orm);
    await services.segments.findById(em, id);
    const { items, total } = await services.segments.members(em, id, { limit: q.limit, offset: q.offset, includeInactive: q.include_inactive });
    return {
      items: items.map(({ member: m, phone, nombre }) => ({
        cliente_id: m.cliente.id,
        phone,
        nombre,
        joined_date: iso(m.joinedDate),
        left_date: iso(m.leftDate),
        is_active: m.isActive,
        reason_joined: m.reasonJoined ?? null,
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  });
}
