import { createRequire } from 'node:module';

/**
 * What the benchmarks share: the raw-SQLite baseline (better-sqlite3 ships no types; the little
 * used is typed here) and `--name value` flags.
 */
export interface Stmt {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, number>;
  all(...params: unknown[]): Array<Record<string, unknown>>;
}

export interface RawDb {
  exec(sql: string): void;
  pragma(sql: string): unknown;
  prepare(sql: string): Stmt;
  transaction(fn: () => void): () => void;
  close(): void;
}

export const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => RawDb;

/** `--name 123` as a positive whole number, or `fallback`. */
export function argOf(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
