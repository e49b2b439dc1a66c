import type { ServiceDeps } from '../../shared/service-deps.ts';
import { repliesInsideWindow } from '../messaging/customer-window.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';
import type { Transport } from '../../transport/types.ts';
import { createGraphClient, type GraphClient } from './graph-client.ts';
import { createMetaTransport } from './meta-transport.ts';
import { createWebhookInbox, type WebhookInboxService } from './webhook-inbox.service.ts';
import { createInboxWorker, type InboxWorker } from './webhook-worker.ts';
import { createWebhookProcessor, type EventSink, type LoggedListener, type ProcessorDeps } from './webhook-processor.ts';

/**
 * The Meta Cloud API module, as `services.meta`: one Graph API client and one transport per
 * business number (META_PHONE_NUMBER_ID, comma-separated), the durable webhook inbox and its
 * worker (a job listed in src/jobs/index.ts). The HTTP webhook plugin stores into `inbox` and
 * kicks `worker`; the worker maps deliveries into normalized events for the ingest pipeline
 * (`sink`) and tells `onLogged` listeners (the conversation seam) which messages to answer.
 */
export interface MetaService {
  /** The first number's client (media downloads work with any). */
  graph: GraphClient;
  /** One client per business number, by phone number id. */
  graphs: ReadonlyMap<string, GraphClient>;
  /** One Cloud API transport per business number (empty without META_ACCESS_TOKEN). */
  transports: Transport[];
  inbox: WebhookInboxService;
  worker: InboxWorker;
  onLogged(fn: LoggedListener): () => void;
}

export interface MetaServiceOptions {
  metrics?: MetricsRegistry;
  sink: EventSink;
  /** Meta's 24-hour window (see meta-transport.ts). */
  windowOpen?(phone: string, phoneNumberId: string | null): Promise<boolean>;
  /** Test knobs. */
  staleMs?: number;
  retryDelayMs?: number;
  pollMs?: number;
  graph?: GraphClient;
  onTemplateStatus?: ProcessorDeps['onTemplateStatus'];
}

export function createMetaService(deps: ServiceDeps, opts: MetaServiceOptions): MetaService {
  const { config, logger, orm, clock } = deps;
  const ids = config.META_PHONE_NUMBER_ID;
  const clientFor = (phoneNumberId: string | undefined) =>
    createGraphClient({ baseUrl: config.META_GRAPH_URL, accessToken: config.META_ACCESS_TOKEN, phoneNumberId, mediaMaxBytes: config.MEDIA_MAX_BYTES, logger });
  const graphs = new Map<string, GraphClient>(ids.map((id) => [id, clientFor(id)]));
  const graph = opts.graph ?? graphs.get(ids[0]!) ?? clientFor(undefined);
  const transports = config.META_ACCESS_TOKEN ? [...graphs.values()].map((g) => createMetaTransport(g, { clock, windowOpen: opts.windowOpen, repliesInsideWindow: repliesInsideWindow(config.REPLY_MAX_AGE) })) : [];
  const inbox = createWebhookInbox({ orm, clock, staleMs: opts.staleMs, retryDelayMs: opts.retryDelayMs });
  const processor = createWebhookProcessor({ orm, clock, logger, graph, sink: opts.sink, phoneNumberIds: ids, metrics: opts.metrics, onTemplateStatus: opts.onTemplateStatus });
  const worker = createInboxWorker({
    inbox,
    processBatch: (rows) => processor.processBatch(rows),
    logger,
    concurrency: config.db.kind === 'sqlite' ? 1 : 4,
    pollMs: opts.pollMs,
    onOutcome: (o, n) => opts.metrics?.webhookProcessed(o, n),
  });
  return { graph, graphs, transports, inbox, worker, onLogged: (fn) => processor.onLogged(fn) };
}
