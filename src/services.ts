import type { Scheduler } from './jobs/scheduler.ts';
import type { ConnectionState } from './transport/types.ts';
import type { ServiceDeps } from './shared/service-deps.ts';
import { withEm } from './db/orm.ts';
import { createMetricsRegistry, type MetricsRegistry } from './shared/metrics-registry.ts';
import { createMetaService, type MetaService } from './modules/meta/meta.service.ts';
import { createAuditService, type AuditService } from './modules/identity/audit.service.ts';
import { createRbacService, type RbacService } from './modules/identity/rbac.service.ts';
import { createAuthService, type AuthService } from './modules/identity/auth.service.ts';
import { createCommandRouter, type CommandRouter } from './modules/admin/router.ts';
import { createRegistry } from './modules/admin/registry.ts';
import { commandDefs } from './modules/admin/commands/index.ts';
import { redactCommandText } from './modules/admin/redact.ts';
import { createMediaService, type MediaService } from './modules/files/media.service.ts';
import { createIngestService, type IngestService } from './modules/messaging/ingest.service.ts';
import { createOutboundService, type OutboundService } from './modules/messaging/outbound.service.ts';
import { createCustomerService, type CustomerService } from './modules/messaging/customer.service.ts';
import { createReceiptService, type ReceiptService } from './modules/messaging/receipts.ts';
import { createTransportRegistry, type TransportRegistry } from './modules/messaging/transports.ts';
import { latestInbound, windowOpen } from './modules/messaging/customer-window.ts';
import { campaignReceiptHandler } from './modules/campaigns/receipt-handler.ts';
import { createCampaignsService, type CampaignsService } from './modules/campaigns/campaigns.service.ts';
import { templateReceiptHandler } from './modules/templates/receipt-handler.ts';

// Shared types live with their owners; re-exported here for convenience.
export type { ServiceDeps } from './shared/service-deps.ts';
export type { AuditEntry } from './modules/identity/audit.service.ts';
export type { CommandInput } from './modules/admin/router.ts';

/**
 * One typed object with every domain service, built once in dependency order (each factory gets
 * the services it needs, already built; nothing is filled in afterwards). Factories take plain
 * deps (no container); each module adds its service here.
 */
export interface Services {
  deps: ServiceDeps;
  /** Prometheus counters and gauges; src/shared/metrics-registry.ts documents the seams to call. */
  metrics: MetricsRegistry;
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
  /** What the customer flows may do: opt-out/in, latest orders (messaging). */
  customers: CustomerService;
  /** Tamper-evident audit log (identity module): record, verify, list. */
  audit: AuditService;
  /** Caller → role → permissions, shared by chat commands and the HTTP API. */
  rbac: RbacService;
  /** HTTP login (password + TOTP, lockout). */
  auth: AuthService;
  /** Meta Cloud API: Graph API clients and transports per number, webhook inbox and its worker. */
  meta: MetaService;
  /** Campaigns: queries, edits and status transitions as conditional updates (campaigns module). */
  campaigns: CampaignsService;
  /** The admin command router (admin module): every `/…` message from a 1:1 chat goes here. */
  commands: CommandRouter;
  /** The Baileys connection state (health, metrics). */
  transportState(): ConnectionState;
  /**
   * Cron jobs a module registers at run time (src/jobs/index.ts lists the modules' jobs as data;
   * this remains for code that only knows its jobs once running). Started with the other jobs.
   */
  jobRegistrations: Array<(s: Scheduler) => void>;
}

export function createServices(deps: ServiceDeps): Services {
  const metrics = createMetricsRegistry();
  const media = createMediaService({ ...deps, metrics });
  const receipts = createReceiptService();
  receipts.register(campaignReceiptHandler);
  receipts.register(templateReceiptHandler);
  const registry = createRegistry(commandDefs);
  const ingest = createIngestService({ ...deps, media, receipts, metrics, storableBody: (body) => redactCommandText(registry, body) });
  const transports = createTransportRegistry(deps.clock);
  const outbound = createOutboundService({ ...deps, ingest, metrics, transports });
  const customers = createCustomerService(deps);
  const audit = createAuditService(deps);
  const rbac = createRbacService(deps);
  const auth = createAuthService({ ...deps, rbac, audit });
  const meta = createMetaService(deps, {
    metrics,
    // Webhook deliveries enter the same ingest pipeline as Baileys (strict write: the inbox retries).
    sink: ingest,
    windowOpen: (phone, number) => withEm(deps.orm, async (em) => windowOpen(await latestInbound(em, { phone, jid: '' }, number), deps.clock.now())),
  });
  for (const t of meta.transports) transports.add(t);
  const campaigns = createCampaignsService(deps);
  const base = {
    deps, metrics, media, receipts, ingest, transports, outbound, customers, audit, rbac, auth, meta, campaigns,
    transportState: () => transports.state(),
    jobRegistrations: [] as Array<(s: Scheduler) => void>,
  };
  const commands = createCommandRouter({ services: base, registry });
  return { ...base, commands };
}
