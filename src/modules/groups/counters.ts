import PQueue from 'p-queue';
import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { DomainEvent } from '../../transport/events.ts';
import { inChunks, lockGroups, marks, rawAll, rawRun, toDate } from './sql.ts';

/**
 * `message_count` / `last_message_date` of the client mappings, kept current as group messages
 * are written, without recounting: each logged message is added once to every mapping of its
 * group. `whatsapp_group_messages_log.mapping_counted` is flipped in the same transaction as
 * the increment, so a redelivered message (the ingest pipeline tells listeners about every
 * event, duplicates included), a retry or a second pass adds nothing. Messages whose increment
 * was lost (a crash after the log was written) are picked up by `countUncounted`, which runs
 * after every full group sync.
 */

const CHUNK = 500;

/** Adds these logged messages (those not counted yet) to their groups' mappings. Returns how many were added. */
export async function countMessages(em: EntityManager, messageIds: string[], now: Date): Promise<number> {
  let added = 0;
  await inChunks([...new Set(messageIds)], CHUNK, async (ids) => {
    const groups = await rawAll<{ group_id: string }>(
      em,
      `select distinct group_id from whatsapp_group_messages_log where mapping_counted = ? and message_id in (${marks(ids.length)})`,
      [false, ...ids],
    );
    if (!groups.length) return;
    // PostgreSQL: a mapping being created for one of these groups waits for us (or we for it).
    await lockGroups(em, groups.map((g) => g.group_id));
    const flipped = await rawAll<{ group_id: string; message_timestamp: unknown }>(
      em,
      `update whatsapp_group_messages_log set mapping_counted = ? where mapping_counted = ? and message_id in (${marks(ids.length)}) returning group_id, message_timestamp`,
      [true, false, ...ids],
    );
    const perGroup = new Map<string, { n: number; last: Date | null }>();
    for (const r of flipped) {
      const g = perGroup.get(r.group_id) ?? { n: 0, last: null };
      const at = toDate(r.message_timestamp);
      g.n++;
      if (at && (!g.last || at > g.last)) g.last = at;
      perGroup.set(r.group_id, g);
    }
    for (const [group, { n, last }] of perGroup) {
      if (last) {
        await rawRun(
          em,
          `update whatsapp_group_cliente_mapping set message_count = message_count + ?,
             last_message_date = case when last_message_date is null or last_message_date < ? then ? else last_message_date end, updated_at = ?
           where group_id = ?`,
          [n, last, last, now, group],
        );
      } else {
        await rawRun(em, 'update whatsapp_group_cliente_mapping set message_count = message_count + ?, updated_at = ? where group_id = ?', [n, now, group]);
      }
    }
    added += flipped.length;
  });
  return added;
}

/** Catch-up pass: every logged group message not counted yet, oldest first, in batches. */
export async function countUncounted(orm: Orm, now: () => Date, batch = 2_000): Promise<number> {
  let total = 0;
  for (;;) {
    const added = await withEm(orm, (em) =>
      em.transactional(async (tx) => {
        const t = tx as unknown as EntityManager;
        const rows = await rawAll<{ message_id: string }>(t, `select message_id from whatsapp_group_messages_log where mapping_counted = ? limit ${batch}`, [false]);
        return rows.length ? { n: await countMessages(t, rows.map((r) => r.message_id), now()), more: rows.length === batch } : { n: 0, more: false };
      }),
    );
    total += added.n;
    if (!added.more) return total;
  }
}

/**
 * The ingest subscriber: group message ids are gathered and applied in small batches, one
 * transaction each, in order; full syncs trigger the catch-up pass. Failures are logged and
 * left for the next catch-up (the flag is still false).
 */
export function createCounterSubscriber(deps: { orm: Orm; logger: Logger; now: () => Date }) {
  const log = deps.logger.child({ module: 'groups.counters' });
  const queue = new PQueue({ concurrency: 1 });
  let pending: string[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const ids = pending;
    pending = [];
    if (!ids.length) return;
    void queue
      .add(() => withEm(deps.orm, (em) => em.transactional((tx) => countMessages(tx as unknown as EntityManager, ids, deps.now()))))
      .catch((err: unknown) => log.warn({ err, messages: ids.length }, 'group message counters not updated; the next sync catches up'));
  };

  return {
    onEvent(event: DomainEvent): void {
      if (event.type === 'message' && event.isGroup) {
        pending.push(event.messageId);
        if (!scheduled) {
          scheduled = true;
          // The pipeline notifies one event at a time: one turn gathers a whole written batch.
          setImmediate(flush);
        }
      } else if (event.type === 'group.upsert' && event.fullSync) {
        void queue.add(() => countUncounted(deps.orm, deps.now)).catch((err: unknown) => log.warn({ err }, 'group message catch-up failed'));
      }
    },
    async idle(): Promise<void> {
      do {
        await new Promise((r) => setImmediate(r));
        await queue.onIdle();
      } while (pending.length || scheduled || queue.size + queue.pending > 0);
    },
  };
}
