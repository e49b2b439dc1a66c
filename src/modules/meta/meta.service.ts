import type { ServiceDeps } from '../../services.ts';
import type { MetricsRegistry } from '../../http/metrics-registry.ts';
import { createGraphClient, type GraphClient } from './graph-client.ts';
import { createWebhookInbox, type WebhookInboxService } from './webhook-inbox.service.ts';
import { createInboxWorker, type InboxWorker } from './webhook-worker.ts';
import { createWebhookProcessor, type EventSink, type ProcessorDeps } from './webhook-processor.ts';

/**
 * The Meta Cloud API module, as `services.meta`: Graph API client, durable webhook inbox and its
 * in-process worker. The HTTP webhook plugin stores into `inbox` and kicks `worker`; the worker
 * maps deliveries into normalized events for the ingest pipeline (`sink`).
 */
export interface MetaService {
  graph: GraphClient;
  inbox: WebhookInboxService;
  worker: InboxWorker;
  /**
   * Re-applies Cloud API statuses that arrived before their send was recorded. A sender that
   * records provider message ids (campaign dispatch, template sends) calls it with those ids right
   * after recording them; the worker also sweeps every 30 s (src/modules/meta/pending-status.ts).
   */
  reapplyPendingStatuses(messageIds?: string[]): Promise<{ applied: number; settled: number; expired: number }>;
}

export interface MetaServiceOptions {
  metrics?: MetricsRegistry;
  sink(): EventSink | null | undefined;
  /** Test knobs. */
  staleMs?: number;
  retryDelayMs?: number;
  pollMs?: number;
  pendingTtlMs?: number;
  graph?: GraphClient;
  onTemplateStatus?: ProcessorDeps['onTemplateStatus'];
}

export function createMetaService(deps: ServiceDeps, opts: MetaServiceOptions): MetaService {
  const { config, logger, orm, clock } = deps;
  const graph =
    opts.graph ??
    createGraphClient({
      baseUrl: config.META_GRAPH_URL,
      accessToken: config.META_ACCESS_TOKEN,
      phoneNumberId: config.META_PHONE_NUMBER_ID,
      mediaMaxBytes: config.MEDIA_MAX_BYTES,
      logger,
    });
  const inbox = createWebhookInbox({ orm, clock, staleMs: opts.staleMs, retryDelayMs: opts.retryDelayMs });
  const processor = createWebhookProcessor({ orm, clock, logger, graph, sink: opts.sink, metrics: opts.metrics, pendingTtlMs: opts.pendingTtlMs, onTemplateStatus: opts.onTemplateStatus });
  const worker = createInboxWorker({
    inbox,
    processBatch: (rows) => processor.processBatch(rows),
    logger,
    concurrency: config.db.kind === 'sqlite' ? 1 : 4,
    pollMs: opts.pollMs,
    maintenance: () => processor.reapplyPending(),
    onOutcome: (o, n) => opts.metrics?.webhookProcessed(o, n),
  });
  return { graph, inbox, worker, reapplyPendingStatuses: (ids) => processor.reapplyPending(ids) };
}
