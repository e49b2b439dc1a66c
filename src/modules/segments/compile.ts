import { sql } from 'kysely';
import { SCORE_TYPES } from './customer-score.entity.ts';
import { GROUPS, leavesOf, parseAgeRange, type Criteria, type Leaf, type ScoreType } from './criteria.ts';
import {
  ASCII_LOWER, asciiLower, channelCte, contains, day, daysAgo, int, messageStatsCte, minusYears, num, orderStatsCte, responseCte, str,
  type Sql, type SqlCtx,
} from './sql.ts';

/**
 * Criteria → one parametrized, set-based query over `usuarios` joined to per-client statistics
 * (only the CTEs the criteria need). Every leaf becomes `case when … then 1 else 0 end = 1`, so a
 * missing statistic (NULL) is a plain "no" and `not` behaves as in the README, not as SQL's
 * three-valued logic.
 */

interface Needs {
  m: boolean;
  rr: boolean;
  pc: boolean;
  o: boolean;
  scores: Set<ScoreType>;
}

function needsOf(leaves: Leaf[]): Needs {
  const n: Needs = { m: false, rr: false, pc: false, o: false, scores: new Set() };
  for (const l of leaves) {
    if (l.group === 'score') n.scores.add(l.key);
    else if (l.key === 'response_rate_min') n.rr = true;
    else if (l.key === 'preferred_channel') n.pc = true;
    else if (['last_interaction_days', 'message_count_threshold', 'engagement_level'].includes(l.key)) n.m = true;
    else if (l.group === 'transactional' || l.key === 'purchase_frequency') n.o = true;
  }
  return n;
}

const scoreAlias = (s: ScoreType) => sql.raw(`s_${SCORE_TYPES.indexOf(s)}`);

/** `with …` + `from usuarios u left join …` for the statistics the leaves need (of one client when `only` is set). */
function source(ctx: SqlCtx, needs: Needs, only?: number): { withClause: Sql; from: Sql } {
  const ctes: Sql[] = [];
  const joins: Sql[] = [];
  if (needs.m) {
    ctes.push(messageStatsCte(ctx, only));
    joins.push(sql`left join m on m.cliente_id = u.id`);
  }
  if (needs.rr) {
    ctes.push(responseCte(ctx, only));
    joins.push(sql`left join rr on rr.cliente_id = u.id`);
  }
  if (needs.pc) {
    ctes.push(channelCte(only));
    joins.push(sql`left join pc on pc.cliente_id = u.id`);
  }
  if (needs.o) {
    ctes.push(orderStatsCte(ctx, only));
    joins.push(sql`left join o on o.cliente_id = u.id`);
  }
  for (const s of needs.scores) {
    const a = scoreAlias(s);
    joins.push(sql`left join customer_scores ${a} on ${a}.cliente_id = u.id and ${a}.score_type = ${str(s)}`);
  }
  return {
    withClause: ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``,
    from: sql`from usuarios u ${sql.join(joins, sql` `)}`,
  };
}

/** The SQL condition of one leaf (may be NULL when a statistic is missing; callers wrap it). */
function leafSql(ctx: SqlCtx, l: Leaf): Sql {
  if (l.group === 'score') {
    const a = scoreAlias(l.key);
    const parts: Sql[] = [sql`${a}.score_value is not null`];
    if (l.value.min !== undefined) parts.push(sql`${a}.score_value >= ${num(l.value.min)}`);
    if (l.value.max !== undefined) parts.push(sql`${a}.score_value <= ${num(l.value.max)}`);
    return sql.join(parts, sql` and `);
  }
  const v = l.value;
  switch (l.key) {
    case 'location': {
      const needle = str(ASCII_LOWER(String(v).trim()));
      return sql`(${contains(ctx, asciiLower(ctx, sql`u.location`), needle)} or ${contains(ctx, asciiLower(ctx, sql`u.region`), needle)})`;
    }
    case 'age_range': {
      const r = parseAgeRange(String(v))!;
      const upper = sql`u.birth_date <= ${day(ctx, minusYears(ctx.today, r.min))}`;
      if (r.max === null) return sql`u.birth_date is not null and ${upper}`;
      return sql`u.birth_date is not null and ${upper} and u.birth_date > ${day(ctx, minusYears(ctx.today, r.max + 1))}`;
    }
    case 'user_type':
      return sql`u.user_type = ${str(String(v))}`;
    case 'purchase_frequency': {
      const n = sql`coalesce(o.n365, 0)`;
      return v === 'high' ? sql`${n} >= 6` : v === 'medium' ? sql`${n} between 2 and 5` : sql`${n} <= 1`;
    }
    case 'engagement_level': {
      const n = sql`coalesce(m.in30, 0)`;
      return v === 'active' ? sql`${n} >= 5` : v === 'moderate' ? sql`${n} between 1 and 4` : sql`${n} = 0`;
    }
    case 'preferred_channel':
      return sql`pc.channel_type = ${str(String(v))}`;
    case 'last_interaction_days':
      return sql`m.last_in >= ${daysAgo(ctx, Number(v))}`;
    case 'message_count_threshold':
      return sql`coalesce(m.in_all, 0) >= ${int(Number(v))}`;
    case 'response_rate_min':
      return sql`rr.outb > 0 and rr.answered >= ${num(Number(v))} * rr.outb`;
    case 'total_purchases':
      return sql`coalesce(o.n, 0) >= ${int(Number(v))}`;
    case 'total_spent':
      return sql`coalesce(o.cents, 0) >= ${int(Math.round(Number(v) * 100))}`;
    case 'last_purchase_days':
      return sql`o.last_order >= ${daysAgo(ctx, Number(v))}`;
  }
  throw new Error(`criteria compiler: unknown key ${l.key}`);
}

const truth = (e: Sql): Sql => sql`(case when ${e} then 1 else 0 end) = 1`;

/** The boolean expression of a criteria object: every group and key ANDed, then the combinators. */
export function predicateOf(ctx: SqlCtx, c: Criteria): Sql {
  const parts: Sql[] = [];
  for (const g of GROUPS) {
    for (const [key, value] of Object.entries(c[g] ?? {})) if (value !== undefined) parts.push(truth(leafSql(ctx, { group: g, key, value } as Leaf)));
  }
  for (const [key, value] of Object.entries(c.score ?? {})) if (value) parts.push(truth(leafSql(ctx, { group: 'score', key: key as ScoreType, value })));
  if (c.all) parts.push(sql`(${sql.join(c.all.map((x) => predicateOf(ctx, x)), sql` and `)})`);
  if (c.any) parts.push(sql`(${sql.join(c.any.map((x) => predicateOf(ctx, x)), sql` or `)})`);
  if (c.not) parts.push(sql`not (${predicateOf(ctx, c.not)})`);
  return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`1 = 1`;
}

/** `select u.id as cliente_id` of every client matching the criteria, with its `with` clause apart (to wrap the select in a larger statement). */
export function matchSubquery(ctx: SqlCtx, c: Criteria): { withClause: Sql; select: Sql } {
  const { withClause, from } = source(ctx, needsOf(leavesOf(c)));
  return { withClause, select: sql`select u.id as cliente_id ${from} where ${predicateOf(ctx, c)}` };
}

/** The same, as one statement. */
export function matchQuery(ctx: SqlCtx, c: Criteria): Sql {
  const { withClause, select } = matchSubquery(ctx, c);
  return sql`${withClause}${select}`;
}

/** What `/segmento explicar` shows: each leaf's verdict and the client's actual value. */
export function explainQuery(ctx: SqlCtx, c: Criteria, clienteId: number): { query: Sql; leaves: Leaf[] } {
  const leaves = leavesOf(c);
  const needs = needsOf(leaves);
  const { withClause, from } = source(ctx, needs, clienteId);
  const cols: Sql[] = leaves.map((l, i) => sql`case when ${leafSql(ctx, l)} then 1 else 0 end as ${sql.raw(`l${i}`)}`);
  cols.push(sql`case when ${predicateOf(ctx, c)} then 1 else 0 end as matched`);
  cols.push(sql`u.location as location, u.region as region, u.birth_date as birth_date, u.user_type as user_type`);
  if (needs.m) cols.push(sql`coalesce(m.in_all, 0) as in_all, coalesce(m.in30, 0) as in30, m.last_in as last_in`);
  if (needs.rr) cols.push(sql`coalesce(rr.outb, 0) as outb, coalesce(rr.answered, 0) as answered`);
  if (needs.pc) cols.push(sql`pc.channel_type as channel_type`);
  if (needs.o) cols.push(sql`coalesce(o.n, 0) as n, coalesce(o.cents, 0) as cents, o.last_order as last_order, coalesce(o.n365, 0) as n365`);
  for (const s of needs.scores) cols.push(sql`${scoreAlias(s)}.score_value as ${sql.raw(`score_${s}`)}`);
  return { query: sql`${withClause}select ${sql.join(cols, sql`, `)} ${from} where u.id = ${int(clienteId)}`, leaves };
}
