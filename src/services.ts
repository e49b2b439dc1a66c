import type { Scheduler } from './jobs/scheduler.ts';
import type { ConnectionState } from './transport/types.ts';
import type { ServiceDeps } from './shared/service-deps.ts';
import { withEm } from './db/orm.ts';
import { createMetricsRegistry, type MetricsRegistry } from './shared/metrics-registry.ts';
import { createMetaService, type MetaService } from './modules/meta/meta.service.ts';
import { createAuditService, type AuditService } from './modules/identity/audit.service.ts';
import { createRbacService, type RbacService } from './modules/identity/rbac.service.ts';
import { createAuthService, type AuthService } from './modules/identity/auth.service.ts';
import { createSecretBox, type SecretBox } from './modules/identity/secret-box.ts';
import { createCommandRouter, type CommandRouter } from './modules/admin/router.ts';
import { createRegistry } from './modules/admin/registry.ts';
import { commandDefs } from './modules/admin/commands/index.ts';
import { redactCommandText } from './modules/admin/redact.ts';
import { createMediaService, type MediaService } from './modules/files/media.service.ts';
import { createFilesService, type FilesService } from './modules/files/files.service.ts';
import { createPrivacyService, type PrivacyService } from './modules/privacy/privacy.service.ts';
import { createIngestService, type IngestService } from './modules/messaging/ingest.service.ts';
import { createOutboundService, type OutboundService } from './modules/messaging/outbound.service.ts';
import { createCustomerService, type CustomerService } from './modules/messaging/customer.service.ts';
import { createReceiptService, type ReceiptService } from './modules/messaging/receipts.ts';
import { createTransportRegistry, type TransportRegistry } from './modules/messaging/transports.ts';
import { createReplyStore, type ReplyStore } from './modules/messaging/replies.ts';
import { latestInbound, windowOpen } from './modules/messaging/customer-window.ts';
import { campaignReceiptHandler } from './modules/campaigns/receipt-handler.ts';
import { createCampaignsService, type CampaignsService } from './modules/campaigns/campaigns.service.ts';
import { templateReceiptHandler } from './modules/templates/receipt-handler.ts';
import { createTemplatesService, type TemplatesService, type TemplatesServiceDeps } from './modules/templates/templates.service.ts';
import { createSegmentsService, type SegmentsService } from './modules/segments/segments.service.ts';
import { createReportsService, type ReportsService } from './modules/reports/reports.service.ts';
import { createReportSchedules, type ReportSchedules } from './modules/reports/schedules.service.ts';
import { pricingReceiptHandler } from './modules/reports/pricing.ts';
import { createGroupsService, type GroupSyncFn, type GroupsService } from './modules/groups/group-crm.service.ts';

// Shared types live with their owners; re-exported here for convenience.
export type { ServiceDeps } from './shared/service-deps.ts';
export type { AuditEntry } from './modules/identity/audit.service.ts';
export type { CommandInput } from './modules/admin/router.ts';

/**
 * One typed object with every domain service, built once in dependency order (no container, no
 * optional members filled in later). Modules that need a later service take a function.
 */
export interface Services {
  deps: ServiceDeps;
  /** Prometheus counters and gauges; src/shared/metrics-registry.ts documents the seams to call. */
  metrics: MetricsRegistry;
  /** Tamper-evident audit log (identity module): record, verify, list. */
  audit: AuditService;
  /** Client files, archives, backups, retention, access audit (files module). */
  files: FilesService;
  /** Media downloads into STORAGE_DIR/clients/… (files module). */
  media: MediaService;
  /** The one delivery-tracking path: receipts of both platforms, handlers of other modules, early receipts. */
  receipts: ReceiptService;
  /** The ingest pipeline: every normalized event written once, before anything reacts (messaging). */
  ingest: IngestService;
  /** The transports running now (Baileys, Cloud API numbers); the boot adds the live ones. */
  transports: TransportRegistry;
  /** Send a Reply through the right transport and log it (origin, campaign, business number). */
  outbound: OutboundService;
  /** Durable answers: claims on inbound messages, their reply state, what a crash left (messaging). */
  replies: ReplyStore;
  /** What the customer flows may do: opt-out/in, latest orders, consent (messaging). */
  customers: CustomerService;
  /** Seals secrets stored in the database (TOTP seeds) with TOTP_ENCRYPTION_KEY. */
  secrets: SecretBox;
  /** Caller → role → permissions, shared by chat commands and the HTTP API. */
  rbac: RbacService;
  /** HTTP login (password + TOTP, throttling). */
  auth: AuthService;
  /** Meta Cloud API: Graph API clients and transports per number, webhook inbox and its worker. */
  meta: MetaService;
  /** Campaigns: queries, edits and status transitions as conditional updates (campaigns module). */
  campaigns: CampaignsService;
  /** Meta message templates: authoring, versions, approval sync, sending, usage (templates). */
  templates: TemplatesService;
  /** Segments, membership history, performance rows and customer scores (segments). */
  segments: SegmentsService;
  /** The client's data rights: export and erasure (privacy module). */
  privacy: PrivacyService;
  /** The admin command router (admin module): every `/…` message from a 1:1 chat goes here. */
  commands: CommandRouter;
  /** The Baileys connection state (health, metrics). */
  transportState(): ConnectionState;
  /**
   * Cron jobs a module registers at run time (src/jobs/index.ts lists the modules' jobs as data;
   * this remains for code that only knows its jobs once running). Started with the other jobs.
   */
  jobRegistrations: Array<(s: Scheduler) => void>;
  /** Channel statistics and reports (json/csv/html/pdf with charts); scheduled reports in chat. */
  reports: ReportsService;
  reportSchedules: ReportSchedules;
  /** WhatsApp groups: client mapping, membership history, participation reports (groups). */
  groups: GroupsService;
  /**
   * The transport's group sync (fetch every group now, write it through ingest), set by the
   * Baileys transport — live and replay — while it runs, null otherwise. The domain reaches
   * the socket only through this seam (`/grupo sincronizar` → `groups.syncWhatsAppGroups()`).
   */
  groupSync: GroupSyncFn | null;
}

/** What the templates module takes from the others (tests rebuild it with a fast Graph client). */
export function templatesDepsOf(s: Pick<Services, 'deps' | 'audit' | 'outbound' | 'transports' | 'meta' | 'ingest'>): TemplatesServiceDeps {
  return {
    ...s.deps,
    audit: () => s.audit,
    send: (to, reply, opts) => s.outbound.send(to, reply, opts),
    platform: () => s.transports.pick({}, false)?.platform ?? null,
    uploadMedia: (bytes, mime, name) => s.meta.graph.uploadMedia(bytes, mime, name),
    reapplyPending: (ids) => s.ingest.sweepEarlyReceipts(ids),
  };
}

export function createServices(deps: ServiceDeps): Services {
  const metrics = createMetricsRegistry();
  const audit = createAuditService(deps);
  const files = createFilesService({ ...deps, audit });
  const media = createMediaService({ ...deps, metrics, files });
  const receipts = createReceiptService();
  receipts.register(campaignReceiptHandler);
  receipts.register(templateReceiptHandler);
  receipts.register(pricingReceiptHandler);
  const registry = createRegistry(commandDefs);
  const ingest = createIngestService({ ...deps, media, receipts, metrics, storableBody: (body) => redactCommandText(registry, body) });
  const transports = createTransportRegistry(deps.clock);
  const outbound = createOutboundService({ ...deps, ingest, metrics, transports });
  const replies = createReplyStore({ orm: deps.orm, dbKind: deps.config.db.kind });
  const customers = createCustomerService(deps);
  const secrets = createSecretBox(deps.config.TOTP_ENCRYPTION_KEY);
  const rbac = createRbacService(deps);
  const auth = createAuthService({ ...deps, rbac, audit, secrets });
  const meta = createMetaService(deps, {
    metrics,
    // Webhook deliveries enter the same ingest pipeline as Baileys (strict write: the inbox retries).
    sink: ingest,
    windowOpen: (phone, number) => withEm(deps.orm, async (em) => windowOpen(await latestInbound(em, { phone, jid: '' }, number), deps.clock.now())),
    // Late-bound through `services`: tests (and the boot) may replace the templates service.
    onTemplateStatus: () => (applied) => services.templates.statusChanged(applied),
  });
  for (const t of meta.transports) transports.add(t);
  const campaigns = createCampaignsService(deps);
  const templates = createTemplatesService(templatesDepsOf({ deps, audit, outbound, transports, meta, ingest }));
  const segments = createSegmentsService(deps);
  const privacy = createPrivacyService({ ...deps, audit, files });
  const reports = createReportsService(deps);
  const reportSchedules = createReportSchedules({
    ...deps,
    tz: deps.config.TZ,
    reports,
    deliver: async (phone, replies) => {
      for (const r of replies) await outbound.send(phone, r, { origin: 'bot' });
    },
  });
  const groups = createGroupsService({ ...deps, ingest, groupSync: () => services.groupSync });
  const base = {
    deps, metrics, audit, files, media, receipts, ingest, transports, outbound, replies, customers, secrets, rbac, auth, meta, campaigns, templates, segments, privacy, reports, reportSchedules, groups,
    // Set by the Baileys transport while it runs (live and replay); read through a function.
    groupSync: null as GroupSyncFn | null,
    transportState: () => transports.state(),
    jobRegistrations: [] as Array<(s: Scheduler) => void>,
  };
  // One object: the router sees what tests or the boot later replace on it.
  const services = base as Services;
  services.commands = createCommandRouter({ services, registry });
  return services;
}
