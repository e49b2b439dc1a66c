import type { FastifyInstance } from 'fastify';
import { CustomerSegment, type ICustomerSegment } from '../../modules/segments/customer-segment.entity.ts';
import { SegmentMember } from '../../modules/segments/segment-member.entity.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { errorRef, nullableDateTime, nullableString, pageOf, paginationQuery, protectedErrors, uuidParam } from '../schemas.ts';
import { bearer, emOf, iso, protect, type ApiOptions } from './guards.ts';

/** /api/segments: list, and members of one segment (paginated, active members by default). */

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
  const { guards, orm } = opts;

  app.get('/segments', {
    ...protect(guards, 'segments.read'),
    schema: {
      tags: ['segments'], summary: 'Lista de segmentos', security: bearer,
      querystring: { type: 'object', properties: { ...paginationQuery, active: { type: 'boolean' } }, additionalProperties: false },
      response: { 200: pageOf(segmentSchema), ...protectedErrors },
    },
  }, async (req) => {
    const q = req.query as { limit: number; offset: number; active?: boolean };
    const where = q.active === undefined ? {} : { isActive: q.active };
    const [items, total] = await emOf(orm).findAndCount(CustomerSegment, where as never, { orderBy: { segmentName: 'asc' }, limit: q.limit, offset: q.offset });
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
    if (!(await em.count(CustomerSegment, { segmentId: id } as never))) throw new NotFoundError(t('http.segment_not_found', { id }), 'SEGMENT_NOT_FOUND');
    const where: Record<string, unknown> = { segment: id };
    if (!q.include_inactive) where.isActive = true;
    const [rows, total] = await em.findAndCount(SegmentMember, where as never, {
      populate: ['cliente'] as never,
      orderBy: { joinedDate: 'asc', memberId: 'asc' },
      limit: q.limit,
      offset: q.offset,
    });
    return {
      items: rows.map((m) => ({
        cliente_id: m.cliente.id,
        phone: m.cliente.phoneNumber,
        nombre: m.cliente.nombre ?? null,
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
