import type { DomainEvent, MessageReceived } from '../../transport/events.ts';
import type { Logger } from '../../logger.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';
import type { GraphClient } from './graph-client.ts';
import { listChanges, mapChange } from './map-payload.ts';
import type { MetaChange, MetaWebhookBody } from './payload.ts';
import { applyTemplateStatus, type AppliedTemplateStatus } from './template-status.ts';
import type { InboxRow } from './webhook-inbox.service.ts';
import type { ProcessOutcome } from './webhook-worker.ts';
import type { MessageOutcome } from '../messaging/message-writer.ts';

/**
 * Processes one stored webhook delivery: every change of every entry, each item isolated, so one
 * bad change never drops the others. Re-running a delivery is safe (the worker retries a delivery
 * with errors): messages are deduplicated by id in ingest, receipts only move statuses forward and
 * template updates are idempotent, so effects apply once even when Meta rebatches the same event
 * into a different envelope.
 */

/**
 * The ingest pipeline as this module needs it: `services.ingest.write` (strict mode) writes the
 * events idempotently and throws when some could not be written (an `IngestError` listing them),
 * so the inbox retries the delivery. Ingest also applies receipts (the one delivery-tracking
 * path: conversations_log and the tables other modules registered, early receipts kept durably)
 * and queues media downloads.
 */
export interface EventSink {
  write(events: DomainEvent[]): Promise<{ messages: MessageOutcome[] }>;
}

/**
 * Told about the Cloud API messages of a batch once they are logged, with their outcomes (the
 * conversation seam answers them: src/transport/cloud/). Awaited, so `drain()` covers replies.
 */
export type LoggedListener = (logged: Array<{ event: MessageReceived; outcome: MessageOutcome }>) => Promise<void>;

interface FailureList {
  failures: Array<{ event: DomainEvent; error: unknown }>;
}

const isFailureList = (err: unknown): err is FailureList => Array.isArray((err as FailureList | null)?.failures);

export interface ProcessorDeps {
  orm: Orm;
  clock: Clock;
  logger: Logger;
  graph: GraphClient;
  sink: EventSink;
  /** Our Cloud API phone number ids: a change addressed to any other number is not ingested. */
  phoneNumberIds: readonly string[];
  metrics?: MetricsRegistry;
  /**
   * Told about templates a status webhook moved, after they are saved (the templates module
   * audits, drops its cache and alerts on pause/disable). Resolved per call: wired later.
   */
  onTemplateStatus?(): ((applied: AppliedTemplateStatus[]) => Promise<void>) | null | undefined;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const describeEvent = (e: DomainEvent) =>
  e.type === 'message' ? `message ${e.messageId}` : e.type === 'receipt' ? `status ${e.status} of ${e.messageId}` : e.type;

export interface WebhookProcessor {
  /** Processes several deliveries together: their events go to ingest as one batch. */
  processBatch(rows: InboxRow[]): Promise<Map<string, ProcessOutcome>>;
  process(row: InboxRow): Promise<ProcessOutcome>;
  /** Registers who answers logged messages; returns an unsubscribe function. */
  onLogged(fn: LoggedListener): () => void;
}

export function createWebhookProcessor(deps: ProcessorDeps): WebhookProcessor {
  const log = deps.logger.child({ module: 'meta.processor' });
  const ctx = { openMedia: (id: string) => deps.graph.downloadMedia(id), now: () => deps.clock.now() };
  const listeners = new Set<LoggedListener>();
  const ours = new Set(deps.phoneNumberIds);

  async function run(where: string, outcome: ProcessOutcome, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      outcome.errors.push(`${where}: ${errText(err)}`);
      deps.metrics?.failure('webhook_item');
      log.warn({ err, where }, 'webhook item failed');
    }
  }

  async function processBatch(rows: InboxRow[]): Promise<Map<string, ProcessOutcome>> {
    const outcomes = new Map<string, ProcessOutcome>(rows.map((r) => [r.id, { errors: [], skipped: [] }]));
    // Which delivery (and change) each event came from, to attribute ingest failures.
    const origin = new Map<DomainEvent, { outcome: ProcessOutcome; where: string }>();
    const events: DomainEvent[] = [];
    const after: Array<() => Promise<void>> = [];

    for (const row of rows) {
      const outcome = outcomes.get(row.id)!;
      for (const { entry, change, where } of listChanges((row.payload ?? {}) as MetaWebhookBody)) {
        const number = businessNumberOf(change);
        const hasValue = Boolean(change?.value && typeof change.value === 'object' && !Array.isArray(change.value));
        if (change?.field === 'messages' && hasValue && (!number || !ours.has(number))) {
          // Meta delivers every number of the app to one URL: another number's traffic is not ours.
          outcome.skipped.push(`${where}: phone_number_id ${number ?? '(none)'} is not one of ours (META_PHONE_NUMBER_ID); not ingested`);
          continue;
        }
        const mapped = mapChange(entry, change, where, ctx);
        outcome.skipped.push(...mapped.skipped.map((s) => `${where}: ${s}`));
        for (const m of mapped.messages) m.businessNumberId = number;
        for (const ev of [...mapped.messages, ...mapped.receipts]) {
          events.push(ev);
          origin.set(ev, { outcome, where });
        }
        for (const upd of mapped.templateUpdates) {
          const name = upd.metaTemplateName ?? upd.metaTemplateId;
          after.push(() =>
            run(`${where} template ${name} ${upd.event}`, outcome, async () => {
              const applied: AppliedTemplateStatus[] = [];
              const n = await withEm(deps.orm, (em) => applyTemplateStatus(em, upd, deps.clock.now(), applied));
              if (!n) outcome.skipped.push(`${where}: no local template matches ${name}`);
              const listener = deps.onTemplateStatus?.();
              if (applied.length && listener) await listener(applied).catch((err) => log.warn({ err }, 'template status listener failed'));
            }),
          );
        }
      }
    }

    let logged: Array<{ event: MessageReceived; outcome: MessageOutcome }> = [];
    if (events.length) {
      {
        try {
          // One ingest batch for every delivery claimed together: one transaction instead of one each.
          const result = await deps.sink.write(events);
          const messages = events.filter((e): e is MessageReceived => e.type === 'message');
          logged = messages.map((event, i) => ({ event, outcome: result.messages[i]! })).filter((l) => l.outcome);
        } catch (err) {
          const list = isFailureList(err) ? err.failures : events.map((event) => ({ event, error: err }));
          for (const f of list) {
            const o = origin.get(f.event);
            if (o) o.outcome.errors.push(`${o.where} ${describeEvent(f.event)}: ${errText(f.error)}`);
          }
          deps.metrics?.failure('webhook_item');
          log.warn({ err, failed: list.length }, 'webhook events not written');
        }
      }
    }
    for (const fn of after) await fn();
    // Answering never fails the delivery: the messages are logged, and a redelivery would be a
    // duplicate that is not answered anyway.
    for (const fn of listeners) {
      try {
        if (logged.length) await fn(logged);
      } catch (err) {
        log.error({ err }, 'logged Cloud API messages not answered');
      }
    }
    log.debug({ deliveries: rows.length, events: events.length }, 'webhook deliveries processed');
    return outcomes;
  }

  return {
    processBatch,
    async process(row) {
      return (await processBatch([row])).get(row.id)!;
    },
    onLogged(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** `value.metadata.phone_number_id` of a change: which of the app's numbers it was sent to. */
export function businessNumberOf(change: MetaChange | undefined): string | null {
  const meta = (change?.value as { metadata?: { phone_number_id?: unknown } } | undefined)?.metadata;
  const id = meta?.phone_number_id;
  return typeof id === 'string' && /^\d{1,30}$/.test(id) ? id : typeof id === 'number' ? String(id) : null;
}
