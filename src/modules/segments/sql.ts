import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';

/**
 * Raw, set-based SQL for segments and scores, with real bound parameters. MikroORM's own
 * `execute(sql, params)` inlines the values into the SQL text (escaped); Kysely — the query
 * layer MikroORM 7 runs on — binds them (`?` on SQLite, `$n` on PostgreSQL), so criteria values
 * never become SQL text. Queries run on the entity manager's connection and transaction.
 */

export type Dialect = 'sqlite' | 'postgresql';
export type Sql = RawBuilder<unknown>;

export function dialectOf(em: EntityManager): Dialect {
  return em.getPlatform().constructor.name.toLowerCase().includes('postgre') ? 'postgresql' : 'sqlite';
}

function executor(em: EntityManager): Kysely<unknown> {
  return (em.getTransactionContext() as Kysely<unknown> | undefined) ?? em.getConnection().getClient<unknown>();
}

export async function rows<T>(em: EntityManager, query: RawBuilder<unknown>): Promise<T[]> {
  return (await query.execute(executor(em))).rows as T[];
}

export async function run(em: EntityManager, query: RawBuilder<unknown>): Promise<number> {
  const res = await query.execute(executor(em));
  return Number(res.numAffectedRows ?? 0);
}

export const DAY_MS = 86_400_000;

/** Time context of one evaluation: every cut-off is computed from the injected clock. */
export interface SqlCtx {
  dialect: Dialect;
  now: Date;
  /** Today's date in the configured time zone, `YYYY-MM-DD` (ages). */
  today: string;
}

/** A datetime parameter as the dialect stores it (SQLite: epoch milliseconds, as MikroORM writes). */
export const ts = (ctx: SqlCtx, d: Date): Sql => (ctx.dialect === 'sqlite' ? sql`${d.getTime()}` : sql`cast(${d.toISOString()} as timestamptz)`);
export const daysAgo = (ctx: SqlCtx, n: number): Sql => ts(ctx, new Date(ctx.now.getTime() - n * DAY_MS));
export const num = (v: number): Sql => sql`cast(${v} as double precision)`;
export const int = (v: number): Sql => sql`cast(${v} as bigint)`;
export const str = (v: string): Sql => sql`cast(${v} as text)`;
/** A `YYYY-MM-DD` parameter compared with a date column (SQLite keeps dates as that text). */
export const day = (ctx: SqlCtx, v: string): Sql => (ctx.dialect === 'sqlite' ? sql`${v}` : sql`cast(${v} as date)`);

/** ASCII-only lower case, identical on both databases (SQLite's lower() folds only A–Z). */
export const asciiLower = (ctx: SqlCtx, e: Sql): Sql =>
  ctx.dialect === 'sqlite' ? sql`lower(${e})` : sql`translate(${e}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
export const contains = (ctx: SqlCtx, hay: Sql, needle: Sql): Sql =>
  ctx.dialect === 'sqlite' ? sql`instr(${hay}, ${needle}) > 0` : sql`strpos(${hay}, ${needle}) > 0`;
/** Datetime column → epoch milliseconds (for arithmetic such as "days since"). */
export const epochMs = (ctx: SqlCtx, e: Sql): Sql => (ctx.dialect === 'sqlite' ? e : sql`(extract(epoch from ${e}) * 1000)`);
export const nowMs = (ctx: SqlCtx): Sql => num(ctx.now.getTime());

/** A uuid parameter (PostgreSQL's uuid columns do not compare with text). */
export const uuidParam = (ctx: SqlCtx, id: string): Sql => (ctx.dialect === 'postgresql' ? sql`cast(${id} as uuid)` : sql`${id}`);
/** A v4-shaped random UUID per row, in SQL. */
export const newUuid = (ctx: SqlCtx): Sql =>
  ctx.dialect === 'postgresql'
    ? sql`gen_random_uuid()`
    : sql`lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

export const ASCII_LOWER = (v: string): string => v.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** `YYYY-MM-DD` of `at` in a time zone (the system zone when undefined). */
export function dateInZone(at: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `YYYY-MM-DD` minus whole years; 29 February becomes 28 February in common years. */
export function minusYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const year = y - years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dd = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

// --- Per-client statistics (CTEs). Each is one GROUP BY over its table; see README "Segments". ---
// `only`: one client's id (`/cliente`, `/segmento explicar`), so the statistic reads that
// client's index range instead of grouping the whole table; undefined = every client.

const onlyClient = (col: string, only: number | undefined): Sql => (only === undefined ? sql`` : sql` and ${sql.raw(col)} = ${int(only)}`);

/** Inbound messages: all-time count, last 30 days, last inbound date. Uses idx_conv_cliente. */
export const messageStatsCte = (ctx: SqlCtx, only?: number): Sql => sql`m as (
  select cliente_id, count(*) as in_all,
    sum(case when date >= ${daysAgo(ctx, 30)} then 1 else 0 end) as in30,
    max(date) as last_in
  from conversations_log
  where message_direction = 'inbound' and cliente_id is not null${onlyClient('cliente_id', only)}
  group by cliente_id)`;

/**
 * Response behaviour over the last 90 days: outbound messages, and those whose next message in
 * the conversation (by date, then id) is the client's.
 */
export const responseCte = (ctx: SqlCtx, only?: number): Sql => sql`rr as (
  select cliente_id,
    sum(case when message_direction = 'outbound' then 1 else 0 end) as outb,
    sum(case when message_direction = 'outbound' and nxt = 'inbound' then 1 else 0 end) as answered
  from (
    select cliente_id, message_direction,
      lead(message_direction) over (partition by cliente_id order by date, id) as nxt
    from conversations_log
    where cliente_id is not null and date >= ${daysAgo(ctx, 90)}${onlyClient('cliente_id', only)}
  ) w
  group by cliente_id)`;

/** The channel type of most inbound messages (ties: alphabetical). */
export const channelCte = (only?: number): Sql => sql`pc as (
  select cliente_id, channel_type from (
    select c.cliente_id, ch.channel_type,
      row_number() over (partition by c.cliente_id order by count(*) desc, ch.channel_type asc) as rn
    from conversations_log c
    join message_channels ch on ch.channel_id = c.channel_id
    where c.message_direction = 'inbound' and c.cliente_id is not null${onlyClient('c.cliente_id', only)}
    group by c.cliente_id, ch.channel_type
  ) x where rn = 1)`;

/** Orders that count (everything but `cancelado`): number, cents, last date, last 365 days. */
export const orderStatsCte = (ctx: SqlCtx, only?: number): Sql => sql`o as (
  select "clienteId" as cliente_id, count(*) as n,
    sum(cast(round(total * 100) as bigint)) as cents,
    max(created_at) as last_order,
    sum(case when created_at >= ${daysAgo(ctx, 365)} then 1 else 0 end) as n365
  from pedidos
  where estado <> 'cancelado'${onlyClient('"clienteId"', only)}
  group by "clienteId")`;
