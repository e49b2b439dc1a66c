import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAvailable } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';
import { makeAdminHarness, type AdminHarness } from '../admin/harness.ts';
import { validateCriteria, criteriaFromPairs } from '../../../src/modules/segments/criteria.ts';
import { SegmentMember } from '../../../src/modules/segments/segment-member.entity.ts';
import { SegmentMemberHistory } from '../../../src/modules/segments/segment-member-history.entity.ts';
import { SegmentPerformance } from '../../../src/modules/segments/segment-performance.entity.ts';
import { CustomerScore } from '../../../src/modules/segments/customer-score.entity.ts';
import { CustomerSegment } from '../../../src/modules/segments/customer-segment.entity.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { explainQuery, matchQuery } from '../../../src/modules/segments/compile.ts';
import { explainScoresQuery } from '../../../src/modules/segments/scores.ts';
import { rows } from '../../../src/modules/segments/sql.ts';
import { sql } from 'kysely';
import { addMessages, addOrders, DAY, makeClient } from './data.ts';

describe('criteria validation', () => {
  const fails = (input: unknown) => {
    try {
      validateCriteria(input);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected a validation error');
  };

  it('refuses an unknown key and lists the valid keys of that group', () => {
    const msg = fails({ engagement: { last_days: 30 } });
    expect(msg).toContain('Clave desconocida «last_days» en engagement');
    expect(msg).toContain('last_interaction_days, message_count_threshold, response_rate_min');
  });

  it('refuses an unknown group and lists the valid top-level keys', () => {
    expect(fails({ geo: {} })).toContain('demographic, behavioral, engagement, transactional, score, all, any, not');
  });

  it('refuses wrong types and impossible ranges in Spanish', () => {
    expect(fails({ transactional: { total_spent: 'mucho' } })).toMatch(/transactional\.total_spent/);
    expect(fails({ demographic: { age_range: '40-18' } })).toContain('rango de edad');
    expect(fails({ engagement: { response_rate_min: 1.5 } })).toMatch(/response_rate_min/);
    expect(fails({ score: { churn_risk: { min: 80, max: 20 } } })).toContain('min no puede ser mayor que max');
    expect(fails({ transactional: { last_purchase_days: 0 } })).toMatch(/last_purchase_days/);
    expect(fails({ transactional: { total_spent: 10.555 } })).toContain('dos decimales');
    expect(fails({})).toContain('vacíos');
    expect(fails({ any: [] })).toMatch(/any/);
  });

  it('reads clave=valor pairs into their groups and refuses unknown ones', () => {
    expect(criteriaFromPairs({ last_interaction_days: '30', total_spent: '1000', churn_risk_min: '70', location: 'Madrid' })).toEqual({
      engagement: { last_interaction_days: 30 }, transactional: { total_spent: 1000 }, score: { churn_risk: { min: 70 } }, demographic: { location: 'Madrid' },
    });
    expect(() => criteriaFromPairs({ edad: '30' })).toThrow(/No conozco el criterio «edad»/);
    expect(() => criteriaFromPairs({ total_spent: 'mil' })).toThrow(/total_spent/);
  });
});

const hasPg = await pgAvailable();

for (const kind of ['sqlite', 'postgresql'] as DbKind[]) {
  describe.skipIf(kind === 'postgresql' && !hasPg)(`segments service (${kind})`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await makeAdminHarness(kind);
      await h.grant('34600000002', 'admin');
    });
    afterAll(() => h.close());

    it('keeps membership history incrementally: joins, leaves, reactivation, totals and daily performance', async () => {
      const now0 = h.clock.now();
      const [a, b] = await h.em(async (em) => {
        const a = await makeClient(em, '34611000001');
        const b = await makeClient(em, '34611000002');
        await addMessages(em, a, now0, [['inbound', 1]]);
        await addMessages(em, b, now0, [['inbound', 25]]);
        return [a, b];
      });
      const admin = (await h.user('34600000002'))!;
      const seg = await h.em((em) => h.services.segments.create(em, { name: 'Activos', type: 'dynamic', criteria: { engagement: { last_interaction_days: 30 } }, createdBy: admin.id }));
      expect(seg.counts).toMatchObject({ joined: 2, left: 0, reactivated: 0, active: 2, total: 2 });

      // Ten days later b's last message is 35 days old: b leaves, history kept.
      h.clock.advance(10 * DAY);
      const later = h.clock.now();
      const c1 = await h.em(async (em) => h.services.segments.recompute(em, await h.services.segments.findByName(em, 'activos')));
      expect(c1).toMatchObject({ joined: 0, left: 1, active: 1, total: 2 });
      const rowB = await h.em((em) => em.findOneOrFail(SegmentMember, { cliente: b.id } as never));
      expect(rowB.isActive).toBe(false);
      expect(new Date(rowB.leftDate!).getTime()).toBe(later.getTime());
      expect(rowB.reasonJoined).toBe('rule');

      // A recompute with nothing new changes nothing.
      const same = await h.em(async (em) => h.services.segments.recompute(em, await h.services.segments.findByName(em, 'Activos')));
      expect(same).toMatchObject({ joined: 0, left: 0, reactivated: 0, active: 1 });

      // b writes again: reactivated on the same row.
      await h.em((em) => addMessages(em, b, later, [['inbound', 0]]));
      const c2 = await h.em(async (em) => h.services.segments.recompute(em, await h.services.segments.findByName(em, 'Activos')));
      expect(c2).toMatchObject({ joined: 0, left: 0, reactivated: 1, active: 2, total: 2 });
      const again = await h.em((em) => em.find(SegmentMember, { cliente: b.id } as never));
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ isActive: true, leftDate: null, reasonJoined: 'rule (reactivated)' });
      expect(new Date(again[0]!.joinedDate).getTime()).toBe(later.getTime());
      // The first stint (joined at the start, left ten days later) is kept in the history.
      const earlier = await h.em((em) => em.find(SegmentMemberHistory, { cliente: b.id } as never));
      expect(earlier.map((e) => [new Date(e.joinedDate).getTime(), new Date(e.leftDate).getTime(), e.reasonJoined])).toEqual([[now0.getTime(), later.getTime(), 'rule']]);
      const ex = await h.em(async (em) => h.services.segments.explain(em, await h.services.segments.findByName(em, 'Activos'), '34611000002'));
      expect(ex.stints.map((p) => [p.joined.getTime(), p.left?.getTime() ?? null])).toEqual([[now0.getTime(), later.getTime()], [later.getTime(), null]]);

      const s = await h.em((em) => em.findOneOrFail(CustomerSegment, { segmentName: 'Activos' } as never));
      expect(s).toMatchObject({ totalCustomers: 2, activeCustomers: 2 });
      const perf = await h.em((em) => em.find(SegmentPerformance, { segment: s.segmentId } as never));
      const byMetric = (day: string) => Object.fromEntries(perf.filter((p) => String(p.date) === day).map((p) => [p.metricName, Number(p.metricValue)]));
      expect(byMetric(later.toISOString().slice(0, 10))).toMatchObject({ active_customers: 2, engagement_rate: 100, churn_rate: 0, conversion_rate: 0 });
      expect(Object.keys(byMetric(now0.toISOString().slice(0, 10)))).toHaveLength(6);
      expect(a.id).toBeGreaterThan(0);
    });

    it('binds criteria values as parameters: quotes and SQL in a value are plain text', async () => {
      const now = h.clock.now();
      await h.em((em) => makeClient(em, '34611000020', { location: "O'Brien Street; drop table usuarios; --" }));
      const ctx = { dialect: kind, now, today: now.toISOString().slice(0, 10) } as const;
      const compiled = matchQuery(ctx, { demographic: { location: "o'brien street; DROP" } }).compile(h.db.orm.em.getConnection().getClient() as never);
      expect(compiled.sql).not.toContain('brien');
      expect(compiled.parameters).toContain("o'brien street; drop");
      const res = await h.em((em) => h.services.segments.preview(em, { demographic: { location: "o'brien street; drop table" } }));
      expect(res.sample.map((c) => c.phone)).toEqual(['34611000020']);
      expect(await h.em((em) => em.count(Usuario, {}))).toBeGreaterThan(1);
    });

    // A query plan is dialect-specific (and PostgreSQL picks sequential scans on tiny tables): SQLite only.
    if (kind === 'sqlite') it('explains one client (/segmento explicar, /cliente) from that client\'s index ranges, never a whole table', async () => {
      const now = h.clock.now();
      const ctx = { dialect: kind, now, today: now.toISOString().slice(0, 10) } as const;
      const criteria = validateCriteria({
        engagement: { last_interaction_days: 30, response_rate_min: 0.5 }, behavioral: { preferred_channel: 'whatsapp', purchase_frequency: 'high' },
        transactional: { total_spent: 10 }, score: { churn_risk: { min: 10 } },
      });
      for (const query of [explainQuery(ctx, criteria, 1).query, explainScoresQuery(ctx, 1)]) {
        const plan = (await h.em((em) => rows<{ detail: string }>(em, sql`explain query plan ${query}`))).map((r) => r.detail);
        expect(plan.filter((d) => /\((c\.)?"?cliente(_id|Id)"?=\?/.test(d)).length, plan.join('\n')).toBeGreaterThanOrEqual(2);
        for (const d of plan) expect(d, plan.join('\n')).not.toMatch(/cliente(_id|Id)>\?|^SCAN (conversations_log|pedidos|c)\b/);
      }
    });

    it('hybrid segments are the rule plus hand-made includes minus excludes, and dynamic ones refuse hand edits', async () => {
      const now = h.clock.now();
      await h.em(async (em) => {
        const buyer = await makeClient(em, '34611000010');
        await addOrders(em, buyer, now, [['600.00', 5], ['500.00', 50]]);
        const buyer2 = await makeClient(em, '34611000011');
        await addOrders(em, buyer2, now, [['1500.00', 5]]);
        await makeClient(em, '34611000012');
      });
      const admin = (await h.user('34600000002'))!;
      await h.em((em) => h.services.segments.create(em, { name: 'VIP', type: 'hybrid', criteria: { transactional: { total_spent: 1000 } }, createdBy: admin.id }));
      const phones = async () =>
        (await h.em(async (em) => (await h.services.segments.members(em, (await h.services.segments.findByName(em, 'VIP')).segmentId, { limit: 50, offset: 0 })).items.map((m) => m.phone))).sort();
      expect(await phones()).toEqual(['34611000010', '34611000011']);

      const add = await h.em(async (em) => h.services.segments.setMembers(em, await h.services.segments.findByName(em, 'VIP'), ['+34611000012', '+34699000000'], 'add'));
      expect(add).toMatchObject({ changed: 1, unknown: ['34699000000'] });
      const rm = await h.em(async (em) => h.services.segments.setMembers(em, await h.services.segments.findByName(em, 'VIP'), ['34611000011'], 'remove'));
      expect(rm.changed).toBe(1);
      expect(await phones()).toEqual(['34611000010', '34611000012']);
      // The exclusion survives recomputes although the rule still matches.
      await h.em(async (em) => h.services.segments.recompute(em, await h.services.segments.findByName(em, 'VIP')));
      expect(await phones()).toEqual(['34611000010', '34611000012']);
      const reasons = await h.em(async (em) => (await h.services.segments.members(em, (await h.services.segments.findByName(em, 'VIP')).segmentId, { limit: 50, offset: 0 })).items.map((m) => m.member.reasonJoined).sort());
      expect(reasons).toEqual(['manual', 'rule']);
      // Including the excluded client again turns the exclusion into an inclusion.
      await h.em(async (em) => h.services.segments.setMembers(em, await h.services.segments.findByName(em, 'VIP'), ['34611000011'], 'add'));
      expect(await phones()).toEqual(['34611000010', '34611000011', '34611000012']);

      await expect(h.em(async (em) => h.services.segments.setMembers(em, await h.services.segments.findByName(em, 'Activos'), ['34611000012'], 'add'))).rejects.toThrow(/dinámico/);
    });
  });

  describe.skipIf(kind === 'postgresql' && !hasPg)(`customer scores (${kind})`, () => {
    it('match a hand-computed example, with percentiles among clients only', async () => {
      const h = await makeAdminHarness(kind);
      try {
        await h.grant('34600000002', 'admin');
        const now = h.clock.now();
        const [c, d] = await h.em(async (em) => {
          const c = await makeClient(em, '34612000001', { createdAt: new Date(now.getTime() - 200 * DAY) });
          await addMessages(em, c, now, [['inbound', 200], ['outbound', 20], ['inbound', 19], ['outbound', 10], ['inbound', 9], ['inbound', 5], ['inbound', 3]]);
          await addOrders(em, c, now, [['100.00', 10], ['50.00', 100], ['30.00', 400], ['999.00', 2, 'cancelado']]);
          const d = await makeClient(em, '34612000002', { createdAt: new Date(now.getTime() - 10 * DAY) });
          return [c, d];
        });
        expect(await h.services.segments.computeScores(now)).toBe(2);
        const scores = await h.em((em) => em.find(CustomerScore, {}, { populate: ['cliente'] as never }));
        const of = (id: number) => Object.fromEntries(scores.filter((s) => s.cliente.id === id).map((s) => [s.scoreType, [Number(s.scoreValue), s.scorePercentile]]));
        // engagement = 40·4/10 + 30·2/2 + 30·(1 − 3/30); loyalty = 40·3/10 + 30·200/365 + 30·2/6;
        // propensity = 50·2/6 + 30·(1 − 10/90) + 20·4/10; churn = 60·10/180 + 40·3/60; LTV = 180 + 2·60.
        expect(of(c.id)).toEqual({
          engagement: [73, 100], loyalty: [38.44, 100], purchase_propensity: [51.33, 100], churn_risk: [5.33, 0], lifetime_value: [300, 100],
        });
        expect(of(d.id)).toEqual({ engagement: [0, 0], loyalty: [0.82, 0], purchase_propensity: [0, 0], churn_risk: [100, 100], lifetime_value: [0, 0] });
        // Staff are not scored.
        expect(scores.every((s) => s.cliente.userType === 'client')).toBe(true);
        // Recomputing updates in place (one row per client and type).
        h.clock.advance(30 * DAY);
        await h.services.segments.computeScores(h.clock.now());
        const after = await h.em((em) => em.find(CustomerScore, { cliente: c.id } as never));
        expect(after).toHaveLength(5);
        expect(Number(after.find((s) => s.scoreType === 'churn_risk')!.scoreValue)).toBeCloseTo(60 * 40 / 180 + 40 * 33 / 60, 1);

        // The profile explains each score from the same terms.
        const profile = await h.em((em) => h.services.segments.profile(em, '+34612000001', now));
        const eng = profile.explanations.find((e) => e.score === 'engagement')!;
        expect(eng.terms.map((t) => t.points)).toEqual([16, 30, 27]);
        expect(eng.inputs).toMatchObject({ mensajes_30d: 4, enviados_90d: 2, respondidos_90d: 2, pedidos: 3, gastado: 180 });
      } finally {
        await h.close();
      }
    });

    it('give every client the share of clients scoring lower (ties equal), refresh every row, and only new rows get ids', async () => {
      const h = await makeAdminHarness(kind);
      try {
        const now = h.clock.now();
        // 40 clients with few distinct inputs, so many scores tie.
        await h.em(async (em) => {
          for (let i = 0; i < 40; i++) {
            const c = await makeClient(em, `3461300${String(i).padStart(4, '0')}`, { createdAt: new Date(now.getTime() - (i % 4) * 100 * DAY) });
            if (i % 3) await addMessages(em, c, now, [['inbound', i % 5], ['outbound', 1 + (i % 7)]]);
            if (i % 2) await addOrders(em, c, now, [[`${10 * (i % 3)}.50`, 5 + (i % 6) * 30]]);
          }
        });
        const check = async (at: Date) => {
          const all = await h.em((em) => em.find(CustomerScore, {}));
          expect(all).toHaveLength(200);
          for (const type of ['engagement', 'loyalty', 'purchase_propensity', 'churn_risk', 'lifetime_value']) {
            const mine = all.filter((s) => s.scoreType === type);
            for (const s of mine) {
              const lower = mine.filter((o) => Number(o.scoreValue) < Number(s.scoreValue)).length;
              expect(s.scorePercentile, `${type} ${s.scoreValue}`).toBe(Math.floor((100 * lower) / (mine.length - 1)));
            }
            expect(new Set(mine.map((s) => s.scoreValue)).size, `${type} has ties`).toBeLessThan(mine.length);
          }
          expect(all.every((s) => s.lastCalculated!.getTime() === at.getTime())).toBe(true);
          return new Map(all.map((s) => [`${s.cliente.id}:${s.scoreType}`, s.scoreId]));
        };
        expect(await h.services.segments.computeScores(now)).toBe(40);
        const ids = await check(now);
        expect([...ids.values()].every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
        expect(new Set(ids.values()).size).toBe(200);
        // Same inputs an hour later: no value changes, yet every row is stamped with the new run.
        h.clock.advance(3_600_000);
        await h.services.segments.computeScores(h.clock.now());
        expect(await check(h.clock.now())).toEqual(ids);
        // A new client gets rows; the others keep theirs.
        await h.em((em) => makeClient(em, '34613009999'));
        h.clock.advance(20 * DAY);
        expect(await h.services.segments.computeScores(h.clock.now())).toBe(41);
        const later = await h.em((em) => em.find(CustomerScore, {}));
        expect(later).toHaveLength(205);
        for (const [key, id] of ids) expect(later.find((s) => `${s.cliente.id}:${s.scoreType}` === key)!.scoreId).toBe(id);
      } finally {
        await h.close();
      }
    });
  });
}
