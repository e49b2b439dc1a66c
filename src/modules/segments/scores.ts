import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { t } from '../../shared/i18n/index.ts';
import { SCORE_TYPES } from './customer-score.entity.ts';
import type { ScoreType } from './criteria.ts';
import { DAY_MS, epochMs, int, messageStatsCte, newUuid, nowMs, orderStatsCte, responseCte, rows, run, str, ts, type Sql, type SqlCtx } from './sql.ts';

/**
 * The five customer scores: deterministic weighted sums of a few per-client inputs (messages,
 * response behaviour, orders, tenure). Each term is a factor in [0, 1] times its weight, so a
 * score is 0–100 and `/cliente` can show where every point comes from; lifetime value is money.
 * The terms are SQL expressions defined once here: the nightly set-based computation and the
 * per-client explanation both use them. The README lists them.
 */

export interface Term {
  /** What /cliente calls the term (from the message catalog). */
  label: string;
  weight: number;
  factor: Sql;
}

const clamp = (e: Sql): Sql => sql`(case when ${e} > 1 then 1.0 when ${e} < 0 then 0.0 else ${e} end)`;

function termsOf(ctx: SqlCtx): Record<ScoreType, Term[]> {
  const now = nowMs(ctx);
  const daysSince = (col: string, window: number) => sql`((${now} - b.${sql.raw(col)}) / ${sql.raw(`${window * DAY_MS}.0`)})`;
  const in30 = clamp(sql`(b.in30 * 1.0 / 10)`);
  const resp = sql`(case when b.outb > 0 then b.answered * 1.0 / b.outb else 0.0 end)`;
  const recentIn = sql`(case when b.last_in_ms is null then 0.0 else ${clamp(sql`(1 - ${daysSince('last_in_ms', 30)})`)} end)`;
  const freq = clamp(sql`(b.n365 * 1.0 / 6)`);
  return {
    engagement: [
      { label: t('clients.term.messages_30d'), weight: 40, factor: in30 },
      { label: t('clients.term.response_rate'), weight: 30, factor: resp },
      { label: t('clients.term.last_message'), weight: 30, factor: recentIn },
    ],
    loyalty: [
      { label: t('clients.term.orders_total'), weight: 40, factor: clamp(sql`(b.n * 1.0 / 10)`) },
      { label: t('clients.term.tenure'), weight: 30, factor: clamp(daysSince('created_ms', 365)) },
      { label: t('clients.term.orders_12m'), weight: 30, factor: freq },
    ],
    purchase_propensity: [
      { label: t('clients.term.orders_12m'), weight: 50, factor: freq },
      { label: t('clients.term.last_order'), weight: 30, factor: sql`(case when b.last_order_ms is null then 0.0 else ${clamp(sql`(1 - ${daysSince('last_order_ms', 90)})`)} end)` },
      { label: t('clients.term.messages_30d'), weight: 20, factor: in30 },
    ],
    churn_risk: [
      { label: t('clients.term.days_without_order'), weight: 60, factor: sql`(case when b.last_order_ms is null then 1.0 else ${clamp(daysSince('last_order_ms', 180))} end)` },
      { label: t('clients.term.days_without_message'), weight: 40, factor: sql`(case when b.last_in_ms is null then 1.0 else ${clamp(daysSince('last_in_ms', 60))} end)` },
    ],
    lifetime_value: [
      { label: t('clients.term.spent'), weight: 1, factor: sql`(b.cents / 100.0)` },
      { label: t('clients.term.projection'), weight: 1, factor: sql`(case when b.n > 0 then b.n365 * (b.cents / 100.0) / b.n else 0.0 end)` },
    ],
  };
}

/** The inputs of every score, one row per client (`b`). */
function baseQuery(ctx: SqlCtx, where: Sql): Sql {
  return sql`select u.id as id,
      coalesce(m.in30, 0) as in30, ${epochMs(ctx, sql`m.last_in`)} as last_in_ms,
      coalesce(rr.outb, 0) as outb, coalesce(rr.answered, 0) as answered,
      coalesce(o.n, 0) as n, coalesce(o.cents, 0) as cents, coalesce(o.n365, 0) as n365, ${epochMs(ctx, sql`o.last_order`)} as last_order_ms,
      ${epochMs(ctx, sql`u.created_at`)} as created_ms
    from usuarios u
    left join m on m.cliente_id = u.id
    left join rr on rr.cliente_id = u.id
    left join o on o.cliente_id = u.id
    where ${where}`;
}

/** The inputs' statistics: of every client, or of one (`only`: the explanation in /cliente). */
const ctes = (ctx: SqlCtx, only?: number) => sql`${messageStatsCte(ctx, only)}, ${responseCte(ctx, only)}, ${orderStatsCte(ctx, only)}`;
const valueOf = (terms: Term[]) => sql`round(cast(${sql.join(terms.map((t) => sql`${sql.raw(String(t.weight))} * ${t.factor}`), sql` + `)} as numeric), 2)`;

/** Working tables of one computation (temporary: per connection, emptied before and after). */
const VALUES_TMP = sql.raw('score_values_tmp');
const RANKS_TMP = sql.raw('score_ranks_tmp');

/** What one computation did (logged at debug level). */
export interface ScoreRun {
  /** Clients scored. */
  clients: number;
  /** Rows whose value changed, rows created. */
  changed: number;
  created: number;
  /** Milliseconds per step: inputs and values, percentiles, changed values, every row stamped, new rows. */
  ms: { values: number; percentiles: number; changed: number; stamped: number; created: number };
}

/**
 * Computes all five scores for every client (`user_type = 'client'`), set-based, in one
 * transaction:
 *   1. every client's inputs (one pass per source table) and the five values → a temporary table;
 *   2. percentiles from a histogram: for each score type and distinct value, how many clients
 *      score lower (`below`) — the same number as `rank() - 1`, without sorting 5 × N rows;
 *   3. only values that changed are written to `score_value` (the `idx_score_type` index is
 *      touched for those alone); percentile and `last_calculated` are set on every row;
 *   4. clients scored for the first time get new rows, with time-ordered UUIDs (v7) on SQLite so
 *      the primary-key index is appended to rather than written at random.
 * Percentile = share of clients with a lower score: 100 · below / (count − 1), 100 when alone.
 */
export async function computeAllScores(em: EntityManager, ctx: SqlCtx): Promise<ScoreRun> {
  const terms = termsOf(ctx);
  const at = ts(ctx, ctx.now);
  const types = sql.join(SCORE_TYPES.map((s) => sql`(${str(s)})`), sql`, `);
  const valueCase = sql`case t.score_type ${sql.join(SCORE_TYPES.map((s) => sql`when ${str(s)} then ${valueOf(terms[s])}`), sql` `)} end`;
  const pct = sql`case when r.cnt > 1 then (100 * r.below) / (r.cnt - 1) else 100 end`;
  const match = sql`s.cliente_id = customer_scores.cliente_id and s.score_type = customer_scores.score_type`;
  return em.transactional(async (tx) => {
    await run(tx, sql`create temporary table if not exists ${VALUES_TMP} (cliente_id bigint not null, score_type varchar(32) not null, v decimal(14,2) not null, primary key (cliente_id, score_type))`);
    await run(tx, sql`create temporary table if not exists ${RANKS_TMP} (score_type varchar(32) not null, v decimal(14,2) not null, below bigint not null, cnt bigint not null, primary key (score_type, v))`);
    await run(tx, sql`delete from ${VALUES_TMP}`);
    await run(tx, sql`delete from ${RANKS_TMP}`);
    // Staff are not scored; a client who became staff loses their old scores.
    await run(tx, sql`delete from customer_scores where cliente_id in (select id from usuarios where user_type <> 'client')`);
    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const d = Math.round(now - t);
      t = now;
      return d;
    };
    const scored = await run(tx, sql`with ${ctes(ctx)},
      b as materialized (${baseQuery(ctx, sql`u.user_type = 'client'`)}),
      t (score_type) as (values ${types})
      insert into ${VALUES_TMP} (cliente_id, score_type, v)
      select b.id, t.score_type, ${valueCase} from b cross join t`);
    const values = lap();
    await run(tx, sql`insert into ${RANKS_TMP} (score_type, v, below, cnt)
      select score_type, v, coalesce(sum(c) over (partition by score_type order by v rows between unbounded preceding and 1 preceding), 0),
        sum(c) over (partition by score_type)
      from (select score_type, v, count(*) as c from ${VALUES_TMP} group by score_type, v) h`);
    const percentiles = lap();
    const changed = await run(tx, sql`update customer_scores set score_value = s.v from ${VALUES_TMP} s
      where ${match} and (customer_scores.score_value is null or customer_scores.score_value <> s.v)`);
    const changedMs = lap();
    await run(tx, sql`update customer_scores set score_percentile = ${pct}, last_calculated = ${at}, updated_at = ${at}
      from ${VALUES_TMP} s join ${RANKS_TMP} r on r.score_type = s.score_type and r.v = s.v
      where ${match}`);
    const stamped = lap();
    const created = await run(tx, sql`insert into customer_scores (score_id, cliente_id, score_type, score_value, score_percentile, last_calculated, created_at, updated_at)
      select ${orderedUuid(ctx)}, s.cliente_id, s.score_type, s.v, ${pct}, ${at}, ${at}, ${at}
      from ${VALUES_TMP} s join ${RANKS_TMP} r on r.score_type = s.score_type and r.v = s.v
      where not exists (select 1 from customer_scores c where c.cliente_id = s.cliente_id and c.score_type = s.score_type)
      order by s.cliente_id, s.score_type
      on conflict (cliente_id, score_type) do nothing`);
    const createdMs = lap();
    await run(tx, sql`delete from ${VALUES_TMP}`);
    await run(tx, sql`delete from ${RANKS_TMP}`);
    return { clients: Math.round(scored / SCORE_TYPES.length), changed, created, ms: { values, percentiles, changed: changedMs, stamped, created: createdMs } };
  });
}

/**
 * A new row's UUID. PostgreSQL: random (v4). SQLite: version 7 (RFC 9562) — wall-clock
 * milliseconds, then a per-statement counter (the temporary row's rowid, method 1 of the RFC),
 * then 32 random bits — so consecutive inserts land at the end of the primary-key index.
 */
function orderedUuid(ctx: SqlCtx): Sql {
  if (ctx.dialect === 'postgresql') return newUuid(ctx);
  const ms = sql`printf('%012x', ${Date.now()})`;
  const n = sql`printf('%010x', s.rowid)`;
  return sql`lower(substr(${ms}, 1, 8) || '-' || substr(${ms}, 9, 4) || '-7' || substr(${n}, 1, 3) || '-8' || substr(${n}, 4, 3) || '-' || substr(${n}, 7, 4) || hex(randomblob(4)))`;
}

export interface ScoreExplanation {
  score: ScoreType;
  inputs: Record<string, number | null>;
  terms: Array<{ label: string; weight: number; factor: number; points: number }>;
  value: number;
}

/** One client's inputs (read from that client's index ranges alone) and each term's factor, as `<score>_<term>`. */
export function explainScoresQuery(ctx: SqlCtx, clienteId: number): Sql {
  const terms = termsOf(ctx);
  const cols: Sql[] = [];
  for (const s of SCORE_TYPES) terms[s].forEach((t, i) => cols.push(sql`${t.factor} as ${sql.raw(`${s}_${i}`)}`));
  return sql`with ${ctes(ctx, clienteId)}, b as (${baseQuery(ctx, sql`u.id = ${int(clienteId)}`)})
    select b.*, ${sql.join(cols, sql`, `)} from b`;
}

/** One client's inputs and each term's factor, computed by the same SQL as the nightly run. */
export async function explainScores(em: EntityManager, ctx: SqlCtx, clienteId: number): Promise<ScoreExplanation[]> {
  const terms = termsOf(ctx);
  const [row] = await rows<Record<string, unknown>>(em, explainScoresQuery(ctx, clienteId));
  if (!row) return [];
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const daysSince = (ms: unknown) => (ms === null || ms === undefined ? null : Math.floor((ctx.now.getTime() - Number(ms)) / DAY_MS));
  const inputs = {
    mensajes_30d: n(row.in30), dias_desde_ultimo_mensaje: daysSince(row.last_in_ms), enviados_90d: n(row.outb), respondidos_90d: n(row.answered),
    pedidos: n(row.n), pedidos_12m: n(row.n365), gastado: n(row.cents) === null ? null : Number(row.cents) / 100,
    dias_desde_ultimo_pedido: daysSince(row.last_order_ms), dias_como_cliente: daysSince(row.created_ms),
  };
  return SCORE_TYPES.map((s) => {
    const ts = terms[s].map((t, i) => {
      const factor = Number(row[`${s}_${i}`] ?? 0);
      return { label: t.label, weight: t.weight, factor, points: Math.round(t.weight * factor * 100) / 100 };
    });
    return { score: s, inputs, terms: ts, value: Math.round(ts.reduce((a, t) => a + t.weight * t.factor, 0) * 100) / 100 };
  });
}
