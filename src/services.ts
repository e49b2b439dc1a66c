import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Orm } from './db/orm.ts';
import type { Clock } from './shared/clock.ts';
import type { ConnectionState, Transport } from './transport/types.ts';
import type { Scheduler } from './jobs/scheduler.ts';
import type { EntityManager } from '@mikro-orm/sql';
import type { Reply } from './transport/types.ts';
import { createMetricsRegistry, type MetricsRegistry } from './http/metrics-registry.ts';
import { createMetaService, type MetaService } from './modules/meta/meta.service.ts';
import { createAuditService, type AuditService } from './modules/identity/audit.service.ts';
import { createRbacService, type RbacService } from './modules/identity/rbac.service.ts';
import { createAuthService, type AuthService } from './modules/identity/auth.service.ts';
import { createCommandRouter, type CommandRouter } from './modules/admin/router.ts';
import { createRegistry } from './modules/admin/registry.ts';
import { commandDefs } from './modules/admin/commands/index.ts';
import { redactCommandText } from './modules/admin/redact.ts';
import { createMediaService, type MediaService } from './modules/files/media.service.ts';
import { createFilesService, type FilesService } from './modules/files/files.service.ts';
import { filesJobs } from './modules/files/files.jobs.ts';
import { createPrivacyService, type PrivacyService } from './modules/privacy/privacy.service.ts';
import { createIngestService, type IngestService } from './modules/messaging/ingest.service.ts';
import { createOutboundService, type OutboundService } from './modules/messaging/outbound.service.ts';
import { createCustomerService, type CustomerService } from './modules/messaging/customer.service.ts';
import { createSecretBox, type SecretBox } from './modules/identity/secret-box.ts';
import { createReplyStore, type ReplyStore } from './modules/messaging/replies.ts';
import { createSegmentsService, type SegmentsService } from './modules/segments/segments.service.ts';
import { segmentJobs } from './modules/segments/jobs.ts';
import { createTemplatesService, type TemplatesService, type TemplatesServiceDeps } from './modules/templates/templates.service.ts';

export interface AuditEntry {
  actorId?: number | null;
  actorPhone?: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  outcome: 'allowed' | 'denied' | 'error' | 'success' | 'failure';
  durationMs?: number;
  channel?: 'chat' | 'http' | 'cli' | 'system';
}

/** A slash command typed in a chat, as the transport hands it to the admin router. */
export interface CommandInput {
  phone: string;
  jid: string;
  text: string;
  isGroup: boolean;
  name?: string | null;
  messageId?: string;
  now: Date;
  /**
   * The file sent with the command (a document whose caption is the command). Its bytes are
   * downloaded by the media service after the message is logged; read them with
   * `readAttachment` (files module), which waits for that download.
   */
  attachment?: { messageId: string; fileName: string | null; mimeType: string | null } | null;
}

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: Clock;
}

/**
 * One typed object with every domain service, wired once. Factories take plain deps
 * (no container); each module adds its service here.
 */
export interface Services {
  deps: ServiceDeps;
  /** The active outbound transport, set once the WhatsApp (or replay) transport is up. */
  transport: Transport | null;
  setTransport(t: Transport | null): void;
  transportState(): ConnectionState;
  /** Set by the boot once jobs start (absent in replay/tests). */
  scheduler?: Scheduler;
  /** Modules push their cron jobs here; the boot registers them after the transport is up. */
  jobRegistrations: Array<(s: Scheduler) => void>;
  /** Tamper-evident audit log (identity module): record, verify, list. */
  audit?: AuditService;
  /** Caller → role → permissions, shared by chat commands and the HTTP API. */
  rbac?: RbacService;
  /** HTTP login (password + TOTP, lockout). */
  auth?: AuthService;
  /** The admin command router (admin module): every `/…` message from a 1:1 chat goes here. */
  commands?: CommandRouter;
  /** Prometheus counters and gauges; src/http/metrics-registry.ts documents the seams to call. */
  metrics: MetricsRegistry;
  /** Meta Cloud API: Graph API client, webhook inbox and its worker (src/modules/meta). */
  meta: MetaService;
  /** Client files, archives, backups, retention, access audit (files module). */
  files: FilesService;
  /** The client's data rights: export and erasure (privacy module). */
  privacy: PrivacyService;
  /** Media downloads into STORAGE_DIR/clients/… (files module). */
  media: MediaService;
  /** The ingest pipeline: every normalized event written once, before anything reacts (messaging). */
  ingest: IngestService;
  /** Send a Reply through the active transport and log it (origin, campaign). */
  outbound: OutboundService;
  /** What the customer flows may do: opt-out/in, latest orders (messaging). */
  customers: CustomerService;
  /** Seals secrets stored in the database (TOTP seeds) with TOTP_ENCRYPTION_KEY. */
  secrets: SecretBox;
  /** Durable answers: claims on inbound messages, their reply state, what a crash left (messaging). */
  replies: ReplyStore;
  /** Segments, membership history, performance rows and customer scores (segments). */
  segments: SegmentsService;
  /** Meta message templates: authoring, versions, approval sync, sending, usage (templates). */
  templates: TemplatesService;
}

/** What the templates module takes from the others, late-bound (tests rebuild it with a fast Graph client). */
export function templatesDepsOf(services: Services): TemplatesServiceDeps {
  return {
    ...services.deps,
    audit: () => services.audit,
    send: (to, reply, opts) => services.outbound.send(to, reply, opts),
    platform: () => services.transport?.platform ?? null,
    uploadMedia: (bytes, mime, name) => services.meta.graph.uploadMedia(bytes, mime, name),
    reapplyPending: (ids) => services.meta.reapplyPendingStatuses(ids),
  };
}

export function createServices(deps: ServiceDeps): Services {
  const started = deps.clock.now().toISOString();
  const metrics = createMetricsRegistry();
  const audit = createAuditService(deps);
  const files = createFilesService({ ...deps, audit });
  const media = createMediaService({ ...deps, metrics, files });
  const registry = createRegistry(commandDefs);
  const ingest = createIngestService({
    ...deps,
    media,
    metrics,
    storableBody: (body) => redactCommandText(registry, body),
    // Baileys receipts move per-send rows of other modules (template usage).
    receiptHandlers: () => (services.templates ? [services.templates.applyReceipt] : []),
  });
  const services: Services = {
    files,
    privacy: createPrivacyService({ ...deps, audit, files }),
    media,
    ingest,
    outbound: createOutboundService({ ...deps, ingest, metrics, transport: () => services.transport }),
    customers: createCustomerService(deps),
    segments: createSegmentsService(deps),
    deps,
    metrics,
    secrets: createSecretBox(deps.config.TOTP_ENCRYPTION_KEY),
    replies: createReplyStore({ orm: deps.orm, dbKind: deps.config.db.kind }),
    // Webhook deliveries enter the same ingest pipeline as Baileys (strict write: the inbox retries).
    meta: createMetaService(deps, { metrics, sink: () => services.ingest, onTemplateStatus: () => (applied) => services.templates.statusChanged(applied) }),
    templates: null as unknown as TemplatesService,
    transport: null,
    jobRegistrations: [],
    setTransport(t) {
      services.transport = t;
    },
    transportState() {
      return services.transport?.state() ?? { status: 'disabled', since: started, reconnects: 0 };
    },
  };
  services.templates = createTemplatesService(templatesDepsOf(services));
  services.audit = audit;
  services.jobRegistrations.push((scheduler) => {
    for (const job of filesJobs({ config: deps.config, orm: deps.orm, files })) scheduler.add(job.name, job.cron, job.run, { timezone: deps.config.TZ });
  });
  services.rbac = createRbacService(deps);
  services.auth = createAuthService({ ...deps, rbac: services.rbac, audit: services.audit, secrets: services.secrets });
  services.commands = createCommandRouter({ services, registry });
  services.jobRegistrations.push(segmentJobs(services.segments, deps));
  // Until src/jobs/index.ts exists, module jobs register here (the boot runs them after the transport).
  services.jobRegistrations.push((scheduler) => services.templates.registerJobs(scheduler));
  return services;
}
