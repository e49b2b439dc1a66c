import type { DomainEvent, ReceiptUpdated } from '../../transport/events.ts';
import type { Logger } from '../../logger.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import type { MetricsRegistry } from '../../http/metrics-registry.ts';
import type { GraphClient } from './graph-client.ts';
import { listChanges, mapChange } from './map-payload.ts';
import type { MetaWebhookBody } from './payload.ts';
import { applyReceipt } from './receipt-fanout.ts';
import { keepUnsettled, reapplyPendingStatuses } from './pending-status.ts';
import { applyTemplateStatus, type AppliedTemplateStatus } from './template-status.ts';
import type { InboxRow } from './webhook-inbox.service.ts';
import type { ProcessOutcome } from './webhook-worker.ts';

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
 * so the inbox retries the delivery. Ingest also applies receipts to conversations_log and
 * queues media downloads; campaign and template tables are fanned out here.
 */
export interface EventSink {
  write(events: DomainEvent[]): Promise<unknown>;
}

interface FailureList {
  failures: Array<{ event: DomainEvent; error: unknown }>;
}

const isFailureList = (err: unknown): err is FailureList => Array.isArray((err as FailureList | null)?.failures);

export interface ProcessorDeps {
  orm: Orm;
  clock: Clock;
  logger: Logger;
  graph: GraphClient;
  /** Resolved per delivery: ingest is wired after this module is created. */
  sink(): EventSink | null | undefined;
  metrics?: MetricsRegistry;
  /** How long an early status waits for its send to be recorded (default 1 hour). */
  pendingTtlMs?: number;
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
  /**
   * Re-applies early statuses whose rows exist now (all of them, or only `messageIds`, which a
   * sender passes right after recording them). The worker calls it periodically.
   */
  reapplyPending(messageIds?: string[]): Promise<{ applied: number; settled: number; expired: number }>;
}

export function createWebhookProcessor(deps: ProcessorDeps): WebhookProcessor {
  const log = deps.logger.child({ module: 'meta.processor' });
  const ctx = { openMedia: (id: string) => deps.graph.downloadMedia(id), now: () => deps.clock.now() };

  async function run(where: string, outcome: ProcessOutcome, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      outcome.errors.push(`${where}: ${errText(err)}`);
      deps.metrics?.failure('webhook_item');
      log.warn({ err, where }, 'webhook item failed');
    }
  }

  /** Statuses whose send is not fully recorded yet (see pending-status.ts) are kept for later. */
  async function keepEarly(items: Array<{ receipt: ReceiptUpdated; outcome: ProcessOutcome }>): Promise<void> {
    if (!items.length) return;
    try {
      const kept = await withEm(deps.orm, (em) => keepUnsettled(em, items.map((i) => i.receipt), deps.clock.now()));
      if (kept) log.debug({ kept }, 'early statuses kept until their send is recorded');
    } catch (err) {
      for (const o of new Set(items.map((i) => i.outcome))) o.errors.push(`pending statuses: ${errText(err)}`);
      log.warn({ err }, 'early statuses not kept');
    }
  }

  async function processBatch(rows: InboxRow[]): Promise<Map<string, ProcessOutcome>> {
    const outcomes = new Map<string, ProcessOutcome>(rows.map((r) => [r.id, { errors: [], skipped: [] }]));
    // Which delivery (and change) each event came from, to attribute ingest failures.
    const origin = new Map<DomainEvent, { outcome: ProcessOutcome; where: string }>();
    const events: DomainEvent[] = [];
    const after: Array<() => Promise<void>> = [];
    const receipts: Array<{ receipt: ReceiptUpdated; outcome: ProcessOutcome }> = [];

    for (const row of rows) {
      const outcome = outcomes.get(row.id)!;
      for (const { entry, change, where } of listChanges((row.payload ?? {}) as MetaWebhookBody)) {
        const mapped = mapChange(entry, change, where, ctx);
        outcome.skipped.push(...mapped.skipped.map((s) => `${where}: ${s}`));
        for (const ev of [...mapped.messages, ...mapped.receipts]) {
          events.push(ev);
          origin.set(ev, { outcome, where });
        }
        for (const r of mapped.receipts) {
          receipts.push({ receipt: r, outcome });
          after.push(() => run(`${where} ${describeEvent(r)}`, outcome, () => withEm(deps.orm, (em) => applyReceipt(em, r, { conversations: false }))));
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

    if (events.length) {
      const sink = deps.sink();
      if (!sink) {
        for (const ev of events) origin.get(ev)!.outcome.errors.push(`${origin.get(ev)!.where}: ingest pipeline not available yet`);
      } else {
        try {
          // One ingest batch for every delivery claimed together: one transaction instead of one each.
          await sink.write(events);
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
    await keepEarly(receipts);
    log.debug({ deliveries: rows.length, events: events.length }, 'webhook deliveries processed');
    return outcomes;
  }

  return {
    processBatch,
    async process(row) {
      return (await processBatch([row])).get(row.id)!;
    },
    reapplyPending: (messageIds) =>
      withEm(deps.orm, (em) => reapplyPendingStatuses(em, { now: deps.clock.now(), ttlMs: deps.pendingTtlMs ?? 60 * 60_000, messageIds })),
  };
}
