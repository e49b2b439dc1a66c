import type { EntityManager } from '@mikro-orm/sql';
import type { DbKind } from '../../config.ts';

/**
 * The few places where report SQL differs by dialect. SQLite stores MikroORM datetimes as epoch
 * milliseconds (integers); PostgreSQL as timestamptz.
 */
export interface Dialect {
  kind: DbKind;
  /** `col` moved forward by `seconds`. */
  plusSeconds(col: string, seconds: number): string;
  /** Seconds from `b` to `a`, as a float. */
  secondsBetween(a: string, b: string): string;
  /** A JS Date as a bound parameter. */
  at(d: Date): unknown;
}

export function dialectOf(kind: DbKind): Dialect {
  return kind === 'sqlite'
    ? {
        kind,
        plusSeconds: (col, s) => `(${col} + ${s * 1000})`,
        secondsBetween: (a, b) => `((${a} - ${b}) / 1000.0)`,
        at: (d) => d.getTime(),
      }
    : {
        kind,
        plusSeconds: (col, s) => `(${col} + interval '${s} seconds')`,
        secondsBetween: (a, b) => `extract(epoch from (${a} - ${b}))`,
        at: (d) => d,
      };
}

export async function rows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await em.getConnection().execute(sql, params, 'all', em.getTransactionContext())) as T[];
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
