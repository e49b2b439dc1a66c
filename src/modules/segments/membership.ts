import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Criteria } from './criteria.ts';
import { matchSubquery } from './compile.ts';
import { newUuid, rows, run, ts, uuidParam, type SqlCtx } from './sql.ts';

/**
 * Incremental recompute of one segment's `segment_members`, set-based, in the caller's
 * transaction. The wanted set (rule ∪ includes − excludes, by type) is materialized once in a
 * temporary table, then three statements move the history forward:
 *   left        active members no longer wanted → is_active = false, left_date = now
 *   reactivated former members wanted again      → their last stint copied to segment_member_history,
 *                                                  then is_active = true, left_date = null, joined_date = now
 *   joined      wanted clients never seen before → a new row with joined_date and reason_joined
 * Nobody is touched twice, nothing is deleted (history is kept). Two recomputes racing on
 * PostgreSQL (the hourly job and `/segmento recalcular`) cannot insert a member twice: the
 * unique (segment, client) key and `on conflict do nothing` keep one row.
 */

export interface RecomputeCounts {
  joined: number;
  left: number;
  reactivated: number;
  active: number;
  total: number;
}

const TMP = sql.raw('seg_wanted_tmp');
export interface Wanted {
  segmentId: string;
  type: 'manual' | 'dynamic' | 'hybrid';
  criteria: Criteria | null;
}

async function fillWanted(em: EntityManager, ctx: SqlCtx, w: Wanted): Promise<void> {
  await run(em, sql`create temporary table if not exists ${TMP} (cliente_id integer primary key, reason varchar(20) not null)`);
  await run(em, sql`delete from ${TMP}`);
  const seg = uuidParam(ctx, w.segmentId);
  if (w.type !== 'manual' && w.criteria) {
    const { withClause, select } = matchSubquery(ctx, w.criteria);
    await run(em, sql`${withClause}insert into ${TMP} (cliente_id, reason) select cliente_id, 'rule' from (${select}) r`);
  }
  if (w.type !== 'dynamic') {
    await run(em, sql`insert into ${TMP} (cliente_id, reason)
      select cliente_id, 'manual' from segment_overrides where segment_id = ${seg} and mode = 'include'
      on conflict (cliente_id) do nothing`);
    await run(em, sql`delete from ${TMP} where cliente_id in (select cliente_id from segment_overrides where segment_id = ${seg} and mode = 'exclude')`);
  }
}

export async function recomputeMembers(em: EntityManager, ctx: SqlCtx, w: Wanted): Promise<RecomputeCounts> {
  await fillWanted(em, ctx, w);
  const seg = uuidParam(ctx, w.segmentId);
  const at = ts(ctx, ctx.now);
  const left = await run(em, sql`update segment_members set is_active = false, left_date = ${at}
    where segment_id = ${seg} and is_active = true and cliente_id not in (select cliente_id from ${TMP})`);
  await run(em, sql`insert into segment_member_history (history_id, segment_id, cliente_id, joined_date, left_date, reason_joined, created_at)
    select ${newUuid(ctx)}, segment_id, cliente_id, joined_date, left_date, reason_joined, ${at} from segment_members
    where segment_id = ${seg} and is_active = false and left_date is not null and cliente_id in (select cliente_id from ${TMP})`);
  const reactivated = await run(em, sql`update segment_members set is_active = true, left_date = null, joined_date = ${at},
      reason_joined = (select case when t.reason = 'manual' then 'manual (reactivated)' else 'rule (reactivated)' end from ${TMP} t where t.cliente_id = segment_members.cliente_id)
    where segment_id = ${seg} and is_active = false and cliente_id in (select cliente_id from ${TMP})`);
  const joined = await run(em, sql`insert into segment_members (member_id, segment_id, cliente_id, joined_date, left_date, is_active, reason_joined, created_at)
    select ${newUuid(ctx)}, ${seg}, t.cliente_id, ${at}, null, true, t.reason, ${at} from ${TMP} t
    where not exists (select 1 from segment_members sm where sm.segment_id = ${seg} and sm.cliente_id = t.cliente_id)
    on conflict (segment_id, cliente_id) do nothing`);
  await run(em, sql`delete from ${TMP}`);
  const [c] = await rows<{ total: number | string; active: number | string | null }>(em, sql`select count(*) as total,
    sum(case when is_active = true then 1 else 0 end) as active from segment_members where segment_id = ${seg}`);
  return { joined, left, reactivated, active: Number(c?.active ?? 0), total: Number(c?.total ?? 0) };
}

/** How many clients the criteria match, and a few of them (preview: nothing is written). */
export async function previewMatches(em: EntityManager, ctx: SqlCtx, criteria: Criteria, sample = 5): Promise<{ count: number; sample: Array<{ id: number; phone: string; nombre: string | null }> }> {
  const { withClause, select } = matchSubquery(ctx, criteria);
  const [row] = await rows<{ n: number | string }>(em, sql`${withClause}select count(*) as n from (${select}) r`);
  const some = await rows<{ id: number; phone: string; nombre: string | null }>(em, sql`${withClause}select u2.id as id, u2."phoneNumber" as phone, u2.nombre as nombre
    from (${select}) r join usuarios u2 on u2.id = r.cliente_id order by u2.id limit ${sql.raw(String(Math.max(0, Math.floor(sample))))}`);
  return { count: Number(row?.n ?? 0), sample: some.map((s) => ({ id: Number(s.id), phone: s.phone, nombre: s.nombre })) };
}
