import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Orm } from './db/orm.ts';
import type { Clock } from './shared/clock.ts';
import type { ConnectionState, Transport } from './transport/types.ts';
import type { Scheduler } from './jobs/scheduler.ts';
import type { EntityManager } from '@mikro-orm/sql';
import type { Reply } from './transport/types.ts';

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
  /** Tamper-evident audit log (admin module). */
  audit?: { record(em: EntityManager, entry: AuditEntry): Promise<void> };
  /** The admin command router (admin module): every `/…` message from a 1:1 chat goes here. */
  commands?: { handle(input: CommandInput): Promise<Reply[]> };
}

export function createServices(deps: ServiceDeps): Services {
  const started = deps.clock.now().toISOString();
  const services: Services = {
    deps,
    transport: null,
    jobRegistrations: [],
    setTransport(t) {
      services.transport = t;
    },
    transportState() {
      return services.transport?.state() ?? { status: 'disabled', since: started, reconnects: 0 };
    },
  };
  return services;
}
