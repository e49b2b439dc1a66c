import { randomUUID } from 'node:crypto';
import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import { WebhookInbox } from './webhook-inbox.entity.ts';
import { storableText } from './payload.ts';

/**
 * The durable webhook inbox. The HTTP handler only `store`s (one insert, before the 200), so a
 * crash after answering loses nothing; workers `claim` rows (pending → processing), process them
 * and `complete` or `retry`. A row stuck in `processing` (its worker died) is reclaimed after
 * `staleMs`. `processed_at` is the time of the row's last state change: the lease start while
 * `processing`, the failed attempt while waiting for a retry (retried after `retryDelayMs`), the
 * finish time once done/failed.
 */

export interface InboxRow {
  id: string;
  payload: unknown;
  /** Attempts including the current one. */
  attempts: number;
}

export interface WebhookInboxService {
  /** Stores a verified delivery; `stored: false` when the same bytes were already stored. */
  store(dedupeKey: string, payload: unknown, source?: string): Promise<{ stored: boolean; id: string | null }>;
  claim(limit: number): Promise<InboxRow[]>;
  complete(row: InboxRow, problems: string[]): Promise<void>;
  /** Marks several rows done at once (one statement for the rows without notes). */
  completeMany(items: Array<{ row: InboxRow; problems: string[] }>): Promise<void>;
  /** Back to pending for another try, or `failed` once attempts reach maxAttempts. */
  retry(row: InboxRow, error: string): Promise<'pending' | 'failed'>;
  pendingCount(): Promise<number>;
  readonly maxAttempts: number;
}

export interface InboxOptions {
  orm: Orm;
  clock: Clock;
  staleMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

const truncate = (s: string, n = 4000) => storableText(s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function createWebhookInbox(opts: InboxOptions): WebhookInboxService {
  const staleMs = opts.staleMs ?? 5 * 60_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryDelayMs = opts.retryDelayMs ?? 10_000;
  const em = () => opts.orm.em.fork() as unknown as EntityManager;

  return {
    maxAttempts,

    async store(dedupeKey, payload, source = 'meta') {
      const id = randomUUID();
      // One statement, atomic under concurrency on both dialects: a duplicate is a no-op, not an error.
      const res = (await em()
        .createQueryBuilder(WebhookInbox)
        .insert({ id, source, dedupeKey, payload, receivedAt: opts.clock.now(), status: 'pending', attempts: 0 } as never)
        .onConflict('dedupeKey')
        .ignore()
        .execute('run')) as { affectedRows?: number };
      const stored = (res.affectedRows ?? 0) > 0;
      return { stored, id: stored ? id : null };
    },

    async claim(limit) {
      const now = opts.clock.now();
      const claimable = {
        $or: [
          { status: 'pending', processedAt: null },
          { status: 'pending', processedAt: { $lte: new Date(now.getTime() - retryDelayMs) } },
          { status: 'processing', processedAt: { $lt: new Date(now.getTime() - staleMs) } },
        ],
      };
      const rows = await em().transactional(async (tx) => {
        const oldest = tx.createQueryBuilder(WebhookInbox, 'c').select('c.id').where(claimable as never).orderBy({ receivedAt: 'asc' }).limit(limit);
        // PostgreSQL: concurrent claimers skip rows another worker is claiming (FOR UPDATE SKIP
        // LOCKED) instead of queueing behind it and then finding nothing. SQLite has one writer.
        if (tx.getPlatform().constructor.name === 'PostgreSqlPlatform') oldest.setLockMode(LockMode.PESSIMISTIC_PARTIAL_WRITE);
        // One statement claims the batch. The claimable condition is repeated on the outer UPDATE:
        // a row another worker claimed meanwhile fails the re-check and is skipped, so two workers
        // never get the same delivery.
        return (await tx
          .createQueryBuilder(WebhookInbox)
          .update({ status: 'processing', processedAt: now, attempts: raw('attempts + 1') } as never)
          .where({ $and: [{ id: { $in: oldest } }, claimable] } as never)
          .returning(['id', 'payload', 'attempts', 'receivedAt'] as never)
          .execute('all', false)) as unknown as Array<Record<string, unknown>>;
      });
      // RETURNING gives no order: keep the oldest first, as Meta sent them.
      return rows
        .map((r) => ({
          id: String(r.id),
          payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
          attempts: Number(r.attempts),
          at: new Date((r.received_at ?? r.receivedAt) as string | number | Date).getTime(),
        }))
        .sort((a, b) => a.at - b.at)
        .map(({ at: _at, ...row }) => row);
    },

    async complete(row, problems) {
      await em().nativeUpdate(
        WebhookInbox,
        { id: row.id, attempts: row.attempts } as never,
        { status: 'done', processedAt: opts.clock.now(), lastError: problems.length ? truncate(problems.join('\n')) : null } as never,
      );
    },

    async completeMany(items) {
      const plain = items.filter((i) => !i.problems.length);
      const noted = items.filter((i) => i.problems.length);
      // Grouped by attempts so a row re-leased by another worker meanwhile is not touched.
      const byAttempts = new Map<number, string[]>();
      for (const { row } of plain) byAttempts.set(row.attempts, [...(byAttempts.get(row.attempts) ?? []), row.id]);
      const now = opts.clock.now();
      for (const [attempts, ids] of byAttempts) {
        await em().nativeUpdate(WebhookInbox, { id: { $in: ids }, attempts } as never, { status: 'done', processedAt: now, lastError: null } as never);
      }
      for (const { row, problems } of noted) await this.complete(row, problems);
    },

    async retry(row, error) {
      const status = row.attempts >= maxAttempts ? 'failed' : 'pending';
      await em().nativeUpdate(
        WebhookInbox,
        { id: row.id, attempts: row.attempts } as never,
        { status, processedAt: opts.clock.now(), lastError: truncate(error) } as never,
      );
      return status;
    },

    async pendingCount() {
      return em().count(WebhookInbox, { status: { $in: ['pending', 'processing'] } } as never);
    },
  };
}
