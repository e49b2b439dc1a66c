import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { findClient } from '../messaging/client-lookup.ts';
import { Usuario, type IUsuario } from '../identity/usuario.entity.ts';
import { CustomerSegment, type ICustomerSegment } from './customer-segment.entity.ts';
import { SegmentationRule } from './segmentation-rule.entity.ts';
import { SegmentMember, type ISegmentMember } from './segment-member.entity.ts';
import { SegmentMemberHistory } from './segment-member-history.entity.ts';
import { SegmentOverride } from './segment-override.entity.ts';
import { orderedCriteria, ruleTypeOf, validateCriteria, type Criteria } from './criteria.ts';
import { explainQuery } from './compile.ts';
import { previewMatches, recomputeMembers, type RecomputeCounts } from './membership.ts';
import { metricTrend, recordPerformance, type Metric } from './performance.ts';
import { computeAllScores } from './scores.ts';
import { dateInZone, dialectOf, rows, type SqlCtx } from './sql.ts';
import { describeLeaf } from './describe.ts';
import { loadProfile, type ClientProfile } from './profile.ts';

/**
 * Segments: manual, dynamic (the rule) and hybrid (rule + includes − excludes) groups of
 * clients, their incremental membership history, daily performance rows, and the customer
 * scores their rules may use. Chat commands, the HTTP API and jobs all go through here.
 */

export type SegmentType = ICustomerSegment['segmentType'];

export interface SegmentsDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: Clock;
}

export interface SegmentView {
  segment: ICustomerSegment;
  criteria: Criteria | null;
}

export interface MemberRow {
  member: ISegmentMember;
  phone: string;
  nombre: string | null;
}

/** One period of membership: `left` null while it lasts. */
export interface Stint {
  joined: Date;
  left: Date | null;
  reason: string | null;
}

export interface ExplainLine {
  label: string;
  pass: boolean;
  actual: string;
}

export const MAX_SEGMENT_NAME = 100;

export function createSegmentsService(deps: SegmentsDeps) {
  const log = deps.logger.child({ module: 'segments' });
  const ctxOf = (em: EntityManager, now: Date = deps.clock.now()): SqlCtx => ({ dialect: dialectOf(em), now, today: dateInZone(now, deps.config.TZ) });

  async function findByName(em: EntityManager, name: string): Promise<ICustomerSegment> {
    const wanted = name.trim().toLowerCase();
    // Names are few and short; the lookup is case-insensitive on both databases.
    const found = (await em.find(CustomerSegment, {} as never, { populate: ['rule'] as never, orderBy: { createdAt: 'asc' } })).find((s) => s.segmentName.toLowerCase() === wanted);
    if (!found) throw new NotFoundError(t('segments.not_found', { name: name.slice(0, 60) }), 'SEGMENT_NOT_FOUND');
    return found;
  }

  async function findById(em: EntityManager, id: string): Promise<ICustomerSegment> {
    const s = await em.findOne(CustomerSegment, { segmentId: id } as never, { populate: ['rule'] as never });
    if (!s) throw new NotFoundError(t('http.segment_not_found', { id }), 'SEGMENT_NOT_FOUND');
    return s;
  }

  const criteriaOf = (s: ICustomerSegment): Criteria | null => (s.rule ? orderedCriteria(s.rule.criteriaJson as Criteria) : null);


  async function recompute(em: EntityManager, segment: ICustomerSegment, now = deps.clock.now()): Promise<RecomputeCounts> {
    const ctx = ctxOf(em, now);
    const counts = await em.transactional(async (tx) => {
      const c = await recomputeMembers(tx, ctx, { segmentId: segment.segmentId, type: segment.segmentType, criteria: criteriaOf(segment) });
      await tx.nativeUpdate(CustomerSegment, { segmentId: segment.segmentId } as never, { totalCustomers: c.total, activeCustomers: c.active, lastUpdated: now, updatedAt: now } as never);
      await recordPerformance(tx, ctx, segment.segmentId);
      return c;
    });
    segment.totalCustomers = counts.total;
    segment.activeCustomers = counts.active;
    segment.lastUpdated = now;
    return counts;
  }

  async function members(em: EntityManager, segmentId: string, q: { limit: number; offset: number; includeInactive?: boolean }): Promise<{ items: MemberRow[]; total: number }> {
    const where: Record<string, unknown> = { segment: segmentId };
    if (!q.includeInactive) where.isActive = true;
    const [list, total] = await em.findAndCount(SegmentMember, where as never, {
      populate: ['cliente'] as never, orderBy: { joinedDate: 'asc', memberId: 'asc' }, limit: q.limit, offset: q.offset,
    });
    return { items: list.map((m) => ({ member: m, phone: m.cliente.phoneNumber, nombre: m.cliente.nombre ?? null })), total };
  }

  return {
    ctxOf,
    findByName,
    findById,
    clientByPhone: findClient,
    validateCriteria,
    recompute,

    async list(em: EntityManager, q: { limit: number; offset: number; active?: boolean }): Promise<{ items: ICustomerSegment[]; total: number }> {
      const where = q.active === undefined ? {} : { isActive: q.active };
      const [items, total] = await em.findAndCount(CustomerSegment, where as never, { orderBy: { segmentName: 'asc' }, limit: q.limit, offset: q.offset });
      return { items, total };
    },

    async create(em: EntityManager, input: { name: string; type: SegmentType; criteria: Criteria | null; description?: string | null; createdBy: number; now?: Date }): Promise<{ segment: ICustomerSegment; counts: RecomputeCounts }> {
      const name = input.name.trim();
      if (!name || name.length > MAX_SEGMENT_NAME) throw new ValidationError(t('segments.bad_name', { max: MAX_SEGMENT_NAME }), undefined, 'INVALID_SEGMENT_NAME');
      if (input.type !== 'manual' && !input.criteria) throw new ValidationError(t('segments.criteria.missing'), undefined, 'INVALID_CRITERIA');
      if (input.type === 'manual' && input.criteria) throw new ValidationError(t('segments.manual_no_criteria'), undefined, 'INVALID_CRITERIA');
      const criteria = input.criteria ? validateCriteria(input.criteria) : null;
      const exists = await findByName(em, name).then(() => true, () => false);
      if (exists) throw new ConflictError(t('segments.exists', { name }), 'SEGMENT_EXISTS');
      const now = input.now ?? deps.clock.now();
      // One transaction: a segment never exists without its first computed membership.
      return em.transactional(async (tx) => {
        const rule = criteria
          ? tx.create(SegmentationRule, { ruleName: name, ruleType: ruleTypeOf(criteria), criteriaJson: criteria as Record<string, unknown>, createdByUser: input.createdBy, createdAt: now, updatedAt: now } as never)
          : null;
        const segment = tx.create(CustomerSegment, {
          segmentName: name, segmentDescription: input.description ?? null, segmentType: input.type, rule, createdByUser: input.createdBy, createdAt: now, updatedAt: now,
        } as never) as ICustomerSegment;
        await tx.flush();
        const counts = await recompute(tx, segment, now);
        return { segment, counts };
      });
    },

    async preview(em: EntityManager, criteria: Criteria, now = deps.clock.now()) {
      return previewMatches(em, ctxOf(em, now), validateCriteria(criteria));
    },

    /** Every active dynamic and hybrid segment (the hourly job); one failure does not stop the rest. */
    async recomputeAll(now = deps.clock.now()): Promise<number> {
      const ids = await withEm(deps.orm, async (em) =>
        (await em.find(CustomerSegment, { isActive: true, segmentType: { $in: ['dynamic', 'hybrid'] } } as never, { fields: ['segmentId'] as never })).map((s) => s.segmentId),
      );
      let done = 0;
      for (const id of ids) {
        try {
          await withEm(deps.orm, async (em) => recompute(em, await findById(em, id), now));
          done++;
        } catch (err) {
          log.error({ err, segmentId: id }, 'segment recompute failed');
        }
      }
      return done;
    },

    async details(em: EntityManager, segment: ICustomerSegment): Promise<{ criteria: Criteria | null; includes: number; excludes: number; trend: Array<{ date: string; value: number }>; latest: Partial<Record<Metric, number>> }> {
      const [includes, excludes] = await Promise.all([
        em.count(SegmentOverride, { segment: segment.segmentId, mode: 'include' } as never),
        em.count(SegmentOverride, { segment: segment.segmentId, mode: 'exclude' } as never),
      ]);
      const trend = await metricTrend(em, segment.segmentId, 'active_customers', 7);
      const latest: Partial<Record<Metric, number>> = {};
      for (const m of ['engagement_rate', 'conversion_rate', 'churn_rate', 'avg_purchase_value', 'lifetime_value'] as const) {
        const last = (await metricTrend(em, segment.segmentId, m, 1))[0];
        if (last) latest[m] = last.value;
      }
      return { criteria: criteriaOf(segment), includes, excludes, trend, latest };
    },

    members,

    /**
     * Hand-made includes (`agregar`, CSV import) or removals (`quitar`). Manual segments: an
     * include, or its removal. Hybrid: include, or exclude. Dynamic segments follow their rule
     * only. Unknown phones are returned, not created; a malformed one refuses the whole call
     * (nothing changed). The segment is recomputed afterwards.
     */
    async setMembers(em: EntityManager, segment: ICustomerSegment, phones: string[], action: 'add' | 'remove', source: 'manual' | 'csv' = 'manual'): Promise<{ changed: number; unknown: string[]; counts: RecomputeCounts }> {
      if (segment.segmentType === 'dynamic') throw new ValidationError(t('segments.dynamic_no_manual', { name: segment.segmentName }), undefined, 'SEGMENT_DYNAMIC');
      const digits = [...new Set(phones.map((p) => {
        const phone = normalizePhone(p);
        if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: p.slice(0, 30) }), undefined, 'INVALID_PHONE');
        return phone;
      }))];
      const users = digits.length ? await em.find(Usuario, { phoneNumber: { $in: digits } } as never, { fields: ['id', 'phoneNumber'] as never }) : [];
      const known = new Set(users.map((u) => u.phoneNumber));
      const unknown = digits.filter((d) => !known.has(d));
      const existing = users.length
        ? await em.find(SegmentOverride, { segment: segment.segmentId, cliente: { $in: users.map((u) => u.id) } } as never)
        : [];
      const byUser = new Map(existing.map((o) => [o.cliente.id, o]));
      let changed = 0;
      for (const u of users) {
        const prev = byUser.get(u.id);
        const want = action === 'add' ? 'include' : segment.segmentType === 'manual' ? null : 'exclude';
        if ((prev?.mode ?? null) === want) continue;
        if (!want) em.remove(prev!);
        else if (prev) Object.assign(prev, { mode: want, source });
        else em.create(SegmentOverride, { segment: segment.segmentId, cliente: u.id, mode: want, source } as never);
        changed++;
      }
      await em.flush();
      const counts = await recompute(em, segment);
      return { changed, unknown, counts };
    },

    /** Each criterion of the segment's rule for one client: pass or fail, with the actual value. */
    async explain(em: EntityManager, segment: ICustomerSegment, phone: string): Promise<{ client: IUsuario; lines: ExplainLine[]; matched: boolean | null; override: 'include' | 'exclude' | null; member: boolean; stints: Stint[] }> {
      const client = await findClient(em, phone);
      const override = await em.findOne(SegmentOverride, { segment: segment.segmentId, cliente: client.id } as never);
      const current = await em.findOne(SegmentMember, { segment: segment.segmentId, cliente: client.id } as never);
      const member = current?.isActive === true;
      const earlier = await em.find(SegmentMemberHistory, { segment: segment.segmentId, cliente: client.id } as never, { orderBy: { joinedDate: 'asc', historyId: 'asc' } as never });
      const stints: Stint[] = earlier.map((h) => ({ joined: h.joinedDate, left: h.leftDate, reason: h.reasonJoined ?? null }));
      if (current) stints.push({ joined: current.joinedDate, left: current.isActive ? null : (current.leftDate ?? null), reason: current.reasonJoined ?? null });
      const criteria = criteriaOf(segment);
      if (!criteria || segment.segmentType === 'manual') return { client, lines: [], matched: null, override: override?.mode ?? null, member, stints };
      const ctx = ctxOf(em);
      const { query, leaves } = explainQuery(ctx, criteria, client.id);
      const [row] = await rows<Record<string, unknown>>(em, query);
      const lines = leaves.map((l, i) => ({ ...describeLeaf(l, row ?? {}, ctx), pass: Number(row?.[`l${i}`]) === 1 }));
      return { client, lines, matched: Number(row?.matched) === 1, override: override?.mode ?? null, member, stints };
    },

    /** All active members (phone, name, joined, reason) for `/segmento exportar`, in pages. */
    async *exportRows(em: EntityManager, segmentId: string): AsyncGenerator<MemberRow> {
      for (let offset = 0; ; offset += 1000) {
        const page = await members(em, segmentId, { limit: 1000, offset });
        yield* page.items;
        if (page.items.length < 1000) return;
      }
    },

    /** `/cliente <telefono>`: contact data, consent, last messages, orders, scores explained, segments. */
    async profile(em: EntityManager, phone: string, now = deps.clock.now()): Promise<ClientProfile> {
      return loadProfile(em, ctxOf(em, now), await findClient(em, phone));
    },

    /** All five scores for every client; returns the number of clients scored. */
    async computeScores(now = deps.clock.now()): Promise<number> {
      const res = await withEm(deps.orm, (em) => computeAllScores(em, ctxOf(em, now)));
      log.debug({ ...res }, 'scores computed');
      return res.clients;
    },
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
