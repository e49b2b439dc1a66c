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
import { createIngestService, type IngestService } from './modules/messaging/ingest.service.ts';
import { createOutboundService, type OutboundService } from './modules/messaging/outbound.service.ts';
import { createCustomerService, type CustomerService } from './modules/messaging/customer.service.ts';
import { createGroupsService, type GroupSyncFn, type GroupsService } from './modules/groups/group-crm.service.ts';

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
  /** Media downloads into STORAGE_DIR/clients/… (files module). */
  media: MediaService;
  /** The ingest pipeline: every normalized event written once, before anything reacts (messaging). */
  ingest: IngestService;
  /** Send a Reply through the active transport and log it (origin, campaign). */
  outbound: OutboundService;
  /** What the customer flows may do: opt-out/in, latest orders (messaging). */
  customers: CustomerService;
  /** WhatsApp groups: client mapping, membership history, participation reports (groups). */
  groups: GroupsService;
  /**
   * The transport's group sync (fetch every group now, write it through ingest), set by the
   * Baileys transport — live and replay — while it runs, null otherwise. The domain reaches
   * the socket only through this seam (`/grupo sincronizar` → `groups.syncWhatsAppGroups()`).
   */
  groupSync: GroupSyncFn | null;
}

export function createServices(deps: ServiceDeps): Services {
  const started = deps.clock.now().toISOString();
  const metrics = createMetricsRegistry();
  const media = createMediaService({ ...deps, metrics });
  const registry = createRegistry(commandDefs);
  const ingest = createIngestService({ ...deps, media, metrics, storableBody: (body) => redactCommandText(registry, body) });
  const services: Services = {
    media,
    ingest,
    outbound: createOutboundService({ ...deps, ingest, metrics, transport: () => services.transport }),
    customers: createCustomerService(deps),
    deps,
    metrics,
    // Webhook deliveries enter the same ingest pipeline as Baileys (strict write: the inbox retries).
    meta: createMetaService(deps, { metrics, sink: () => services.ingest }),
    groups: createGroupsService({ ...deps, ingest, groupSync: () => services.groupSync }),
    groupSync: null,
    transport: null,
    jobRegistrations: [],
    setTransport(t) {
      services.transport = t;
    },
    transportState() {
      return services.transport?.state() ?? { status: 'disabled', since: started, reconnects: 0 };
    },
  };
  services.audit = createAuditService(deps);
  services.rbac = createRbacService(deps);
  services.auth = createAuthService({ ...deps, rbac: services.rbac, audit: services.audit });
  services.commands = createCommandRouter({ services, registry });
  return services;
}
