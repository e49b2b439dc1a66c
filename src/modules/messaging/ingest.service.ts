import PQueue from 'p-queue';
import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Platform } from '../../transport/events.ts';
import type { DomainEvent, MessageReceived } from '../../transport/events.ts';
import { MessageChannel } from './message-channel.entity.ts';
import { writeMessages, type MessageOutcome } from './message-writer.ts';
import type { EarlyResult, ReceiptService } from './receipts.ts';
import { applyContact } from './contacts.ts';
import { outboundStatus, writeOutbound, type OutboundEntry } from './outbound-writer.ts';
import { createRetryQueue } from './retry-queue.ts';
import { createOwnSends } from './own-sends.ts';
import { applyGroupUpdate, applyGroupUpsert, applyParticipants } from '../groups/groups.service.ts';
import { grantFirstMessageConsent } from '../identity/identity.service.ts';
import { routeOf } from '../../transport/routing.ts';
import { describeReply } from '../../transport/reply.ts';
import { lidOfJid, phoneOfJid } from '../../transport/jid.ts';
import type { OutboundOrigin, Reply } from '../../transport/types.ts';
import { ConversationLog } from './conversation-log.entity.ts';
import { replyMessageId, storableReply } from './replies.ts';
import type { MediaService } from '../files/media.service.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';

/**
 * The ingest pipeline: every normalized event is written once, idempotently and in a
 * transaction, before anything reacts to it. Writes go through one queue (events keep their
 * order; SQLite has a single connection). Consecutive messages are written as one batch; if the
 * batch fails, each event is retried alone so one bad event cannot sink the others, and what
 * still fails is retried in the background and logged — never thrown at the socket.
 */

export interface IngestResult {
  /** One outcome per MessageReceived, in input order. */
  messages: MessageOutcome[];
  /** Events that could not be written (now retrying in the background, or thrown in strict mode). */
  failed: number;
}

export class IngestError extends Error {
  readonly failures: Array<{ event: DomainEvent; error: unknown }>;
  constructor(failures: Array<{ event: DomainEvent; error: unknown }>) {
    super(`ingest: ${failures.length} event(s) could not be written: ${String((failures[0]?.error as Error)?.message ?? failures[0]?.error)}`);
    this.failures = failures;
  }
}

export interface IngestDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: Clock;
  media: MediaService;
  /** The one delivery-tracking path (receipts of both platforms, early ones kept durably). */
  receipts: ReceiptService;
  metrics?: MetricsRegistry;
  batchSize?: number;
  retryDelaysMs?: number[];
  /** Redacts secrets from admin command text before it is logged (see WriteContext). */
  storableBody?: (body: string) => string;
}

type Listener = (event: DomainEvent) => void | Promise<void>;
type OutboundItem = { type: 'outbound'; entry: OutboundEntry };

export function createIngestService(deps: IngestDeps) {
  const log = deps.logger.child({ module: 'ingest' });
  const writer = new PQueue({ concurrency: 1 });
  const batchSize = deps.batchSize ?? 500;
  const ownSends = createOwnSends();
  const listeners = new Set<Listener>();
  let channelId: number | null | undefined;
  const counters = { written: 0, duplicates: 0, failed: 0, retried: 0 };

  const whatsappChannel = async (em: EntityManager): Promise<number | null> => {
    if (channelId === undefined) {
      const ch = await em.findOne(MessageChannel, { channelType: 'whatsapp' }, { orderBy: { channelId: 'asc' } });
      channelId = ch?.channelId ?? null;
    }
    return channelId;
  };

  /** Receipts that arrived before this row (kept durably by the receipt service) apply now. */
  const applyEarly = async (em: EntityManager, ids: string[]) => {
    if (ids.length) await deps.receipts.applyEarly(em, { now: deps.clock.now(), messageIds: ids });
  };

  const transactional = <T>(fn: (em: EntityManager) => Promise<T>): Promise<T> =>
    withEm(deps.orm, (em) => em.transactional((tem) => fn(tem as unknown as EntityManager)));

  const writeMessageBatch = async (events: MessageReceived[]): Promise<MessageOutcome[]> => {
    const { outcomes, media } = await transactional(async (em) => {
      const res = await writeMessages(em, events, {
        channelId: await whatsappChannel(em),
        ownOrigin: ownSends.get,
        storableBody: deps.storableBody,
        bodyMaxChars: deps.config.MESSAGE_BODY_MAX_CHARS,
        // What the session will answer (commands, flows) starts `pending` in the same write.
        answerable: (e) => !e.isGroup && routeOf(e, undefined, deps.clock.now(), deps.config) !== 'none',
      });
      if (deps.config.CONSENT_ON_FIRST_MESSAGE) {
        const newcomers = res.outcomes.filter((o, i) => o.firstContact && o.userId && !events[i]!.fromMe).map((o) => o.userId!);
        await grantFirstMessageConsent(em, newcomers, deps.clock.now());
      }
      // Only rows written now: an echo of our own send finds its row there, early receipts applied.
      await applyEarly(em, events.filter((e, i) => e.fromMe && res.outcomes[i]!.inserted).map((e) => e.messageId));
      return res;
    });
    deps.media.enqueue(media.map((m) => ({ fileId: m.fileId, userId: m.userId, messageId: m.event.messageId, media: m.event.media! })));
    outcomes.forEach((o, i) => {
      if (!o.inserted) return void counters.duplicates++;
      counters.written++;
      if (!events[i]!.fromMe) deps.metrics?.messageIn(events[i]!.platform === 'meta_cloud' ? 'meta_cloud' : 'whatsapp');
    });
    return outcomes;
  };

  const writeOne = async (event: DomainEvent): Promise<MessageOutcome | null> => {
    if (event.type === 'message') return (await writeMessageBatch([event]))[0]!;
    await transactional(async (em) => {
      switch (event.type) {
        case 'receipt':
          await deps.receipts.receive(em, [event], deps.clock.now());
          return;
        case 'group.upsert':
          return applyGroupUpsert(em, event);
        case 'group.update':
          return applyGroupUpdate(em, event);
        case 'group.participants':
          return applyParticipants(em, event);
        case 'contact':
          return applyContact(em, event);
      }
    });
    counters.written++;
    return null;
  };

  const writeOutboundRow = (entry: OutboundEntry) =>
    transactional(async (em) => {
      // Receipts that came before this row. A row already there had them applied when written
      // (one still waiting for another module's row is that module's sweep's to apply).
      if (await writeOutbound(em, entry, await whatsappChannel(em))) await applyEarly(em, [entry.messageId]);
    });

  const describe = (e: DomainEvent | OutboundItem) =>
    e.type === 'outbound'
      ? { event: 'outbound', msgId: e.entry.messageId }
      : { event: e.type, msgId: 'messageId' in e ? e.messageId : undefined, jid: 'jid' in e ? e.jid : undefined };

  const retries = createRetryQueue<DomainEvent | OutboundItem>({
    logger: log,
    delaysMs: deps.retryDelaysMs,
    run: async (item) => {
      counters.retried++;
      if (item.type === 'outbound') {
        await writer.add(() => writeOutboundRow(item.entry));
        return;
      }
      await writer.add(() => writeOne(item));
      notify([item]);
    },
  });

  const notify = (events: DomainEvent[]) => {
    for (const l of listeners) {
      for (const e of events) {
        Promise.resolve()
          .then(() => l(e))
          .catch((err) => log.error({ err, ...describe(e) }, 'ingest listener failed'));
      }
    }
  };

  const failedOutcome = (e: MessageReceived, error: unknown): MessageOutcome => ({
    messageId: e.messageId, ok: false, inserted: true, userId: null, phone: e.peerPhone ?? e.senderPhone, lid: e.peerLid ?? e.senderLid ?? null, firstContact: false, error,
  });

  const process = async (events: DomainEvent[], strict: boolean): Promise<IngestResult> => {
    const messages: MessageOutcome[] = [];
    const failures: Array<{ event: DomainEvent; error: unknown }> = [];
    const written: DomainEvent[] = [];
    const fail = (event: DomainEvent, error: unknown) => {
      failures.push({ event, error });
      counters.failed++;
      deps.metrics?.failure('ingest');
      log.warn({ err: error, ...describe(event) }, strict ? 'event not written' : 'event not written; retrying in the background');
      if (!strict) retries.push(event, describe(event));
    };
    const one = async (event: DomainEvent) => {
      try {
        const outcome = await writeOne(event);
        if (outcome) messages.push(outcome);
        written.push(event);
      } catch (err) {
        if (event.type === 'message') messages.push(failedOutcome(event, err));
        fail(event, err);
      }
    };
    for (let i = 0; i < events.length; ) {
      const event = events[i]!;
      if (event.type !== 'message') {
        await one(event);
        i++;
        continue;
      }
      let j = i;
      while (j < events.length && j - i < batchSize && events[j]!.type === 'message') j++;
      const chunk = events.slice(i, j) as MessageReceived[];
      i = j;
      try {
        messages.push(...(await writeMessageBatch(chunk)));
        written.push(...chunk);
      } catch (err) {
        if (chunk.length === 1) {
          messages.push(failedOutcome(chunk[0]!, err));
          fail(chunk[0]!, err);
        } else {
          log.debug({ err, size: chunk.length }, 'batch failed; writing its events one by one');
          for (const e of chunk) await one(e);
        }
      }
    }
    notify(written);
    if (strict && failures.length) throw new IngestError(failures);
    return { messages, failed: failures.length };
  };

  return {
    /** Resilient: never throws; failed events retry in the background. For the live socket. */
    handle: (events: DomainEvent[]): Promise<IngestResult> => writer.add(() => process(events, false)) as Promise<IngestResult>,
    /** Strict: throws IngestError when an event could not be written (callers with their own retry, e.g. the Meta inbox). */
    write: (events: DomainEvent[]): Promise<IngestResult> => writer.add(() => process(events, true)) as Promise<IngestResult>,
    /**
     * Logs one outbound message (idempotent; our origin wins over the `append` echo's guess).
     * Never throws: a failed write is retried in the background.
     */
    logOutbound: (entry: OutboundEntry): Promise<void> =>
      writer.add(async () => {
        try {
          await writeOutboundRow(entry);
          counters.written++;
        } catch (err) {
          counters.failed++;
          log.warn({ err, msgId: entry.messageId }, 'outbound log not written; retrying in the background');
          retries.push({ type: 'outbound', entry }, { event: 'outbound', msgId: entry.messageId });
        }
      }) as Promise<void>,
    /**
     * Writes an outbound row now and says whether it worked (the `pending` row written before a
     * send: the caller decides what a failure means). In the write queue, like every write.
     */
    writeOutboundNow: (entry: OutboundEntry): Promise<void> => writer.add(() => writeOutboundRow(entry)) as Promise<void>,
    /** The delivery status of one of our messages (undefined: no such row). */
    outboundStatus: (messageId: string): Promise<string | null | undefined> =>
      writer.add(() => withEm(deps.orm, (em) => outboundStatus(em, messageId))) as Promise<string | null | undefined>,
    /**
     * A command ran: its replies become pending outbound rows (with what is needed to re-send
     * them) and the inbound message `replying`, in one transaction (replies.ts).
     */
    storeReplies: (
      inboundId: string,
      items: Array<{ reply: Reply; position: number; chatJid: string; origin: OutboundOrigin }>,
      via: { platform: Platform; businessNumberId?: string | null } = { platform: 'baileys' },
    ): Promise<void> =>
      writer.add(() =>
        transactional(async (em) => {
          const channel = await whatsappChannel(em);
          for (const { reply, position, chatJid, origin } of items) {
            const { messageType, body } = describeReply(reply);
            await writeOutbound(em, {
              messageId: replyMessageId(inboundId, position), chatJid, peerPhone: phoneOfJid(chatJid), peerLid: lidOfJid(chatJid),
              platform: via.platform, businessNumberId: via.businessNumberId ?? null,
              messageType, body, origin, timestamp: deps.clock.now(), status: 'pending', replyTo: inboundId,
              raw: { position, reply: storableReply(reply, body) },
            }, channel);
          }
          await em.nativeUpdate(ConversationLog, { messageId: inboundId } as never, { replyState: 'replying' } as never);
        }),
      ) as Promise<void>,
    /**
     * Applies the early receipts whose rows exist now (only `messageIds` when given: a sender
     * that just recorded them, e.g. campaign dispatch) and expires old ones. On the write queue,
     * so it never interleaves with a write transaction on SQLite's one connection.
     */
    sweepEarlyReceipts: (messageIds?: string[]) =>
      writer.add(() => withEm(deps.orm, (em) => deps.receipts.applyEarly(em, { now: deps.clock.now(), messageIds }))) as Promise<EarlyResult>,
    /** Marks a message id as ours before it is sent, so its echo is logged with the right origin. */
    rememberOwnSend: ownSends.remember,
    subscribe(fn: Listener): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Waits for queued writes, background retries and media downloads. */
    async drain(): Promise<void> {
      do {
        await writer.onIdle();
        await retries.drain();
        await deps.media.drain();
      } while (writer.size + writer.pending + retries.pending() + deps.media.pending() > 0);
    },
    stats: () => ({ ...counters, queued: writer.size + writer.pending, retrying: retries.pending(), media: deps.media.pending() }),
    async close(): Promise<void> {
      await writer.onIdle();
      retries.close();
      await deps.media.drain();
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
export type { MessageOutcome, OutboundEntry };
