import type { EntityManager } from '@mikro-orm/sql';

/**
 * The little dialect knowledge the groups module's set-based SQL needs. SQLite stores MikroORM
 * datetimes as epoch milliseconds; PostgreSQL as timestamptz.
 */

export const isPostgres = (em: EntityManager): boolean => em.getPlatform().constructor.name.startsWith('PostgreSql');

/** The column as epoch milliseconds (an integer expression on both dialects). */
export const epochMs = (em: EntityManager, column: string): string =>
  isPostgres(em) ? `(floor(extract(epoch from ${column}) * 1000)::bigint)` : column;

/** A datetime read back from raw SQL (ms number on SQLite, Date or string on PostgreSQL). */
export const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number)));

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** `?, ?, ?` for an IN list. */
export const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export async function rawAll<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await em.getConnection().execute(sql, params, 'all', em.getTransactionContext())) as T[];
}

export async function rawRun(em: EntityManager, sql: string, params: unknown[] = []): Promise<void> {
  await em.getConnection().execute(sql, params, 'run', em.getTransactionContext());
}

/**
 * PostgreSQL: serializes counter and mapping writes per group (row lock on the group, in id
 * order so two writers never deadlock). SQLite has one writer at a time already.
 */
export async function lockGroups(em: EntityManager, groupIds: string[]): Promise<void> {
  if (!isPostgres(em) || !groupIds.length) return;
  const ids = [...new Set(groupIds)].sort();
  await rawAll(em, `select group_id from whatsapp_groups where group_id in (${marks(ids.length)}) order by group_id for update`, ids);
}

/** Runs `fn` over the ids in chunks that stay below both dialects' parameter limits. */
export async function inChunks<T>(ids: T[], size: number, fn: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < ids.length; i += size) await fn(ids.slice(i, i + size));
}
