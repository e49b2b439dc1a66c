import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { initOrm, withEm, type Orm } from './db/orm.ts';
import { migrateAndSeed } from './db/seeds.ts';
import { createServices, type Services } from './services.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { findUserByPhone, grantRole } from './modules/identity/identity.service.ts';
import { maskPhone } from './shared/phone.ts';
import { sealStoredSecrets } from './modules/identity/seal-secrets.ts';

export interface App {
  config: Config;
  logger: Logger;
  clock: Clock;
  orm: Orm;
  services: Services;
  http?: FastifyInstance;
  /** Stops everything registered with `onClose`, newest first, then the ORM. */
  close(): Promise<void>;
  onClose(fn: () => Promise<void> | void): void;
}

/**
 * config → database (migrate if needed) → seeds → ADMIN_PHONES → services. The callers add the
 * HTTP sidecar, the transport and the jobs, in that order.
 */
export async function bootCore(config: Config, logger: Logger, clock: Clock = systemClock): Promise<App> {
  const orm = await initOrm(config, logger);
  const closers: Array<() => Promise<void> | void> = [];
  try {
    const applied = await migrateAndSeed(orm);
    if (applied.length) logger.info({ module: 'db', migrations: applied }, 'migrations applied');
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  const services = createServices({ config, logger, orm, clock });
  try {
    const resealed = await withEm(orm, (em) => sealStoredSecrets(em, services.secrets));
    if (resealed) logger.info({ module: 'identity', resealed }, 'TOTP secrets sealed with the current TOTP_ENCRYPTION_KEY');
    // Data step of the audit redesign: version-1 rows get keyed digests (a no-op once done).
    await withEm(orm, (em) => services.audit!.upgrade(em));
    await grantAdminPhones(orm, services, config, logger);
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  let closed = false;
  // Registered first, so it runs last before the ORM closes: whatever the transports and the
  // webhook worker handed to ingest (writes, retries, media downloads) is finished.
  // Closers run newest first: the group counters finish after ingest's last writes.
  closers.push(() => services.groups.idle());
  closers.push(() => services.ingest.close());
  const app: App = {
    config,
    logger,
    clock,
    orm,
    services,
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch (err) {
          logger.warn({ err }, 'error while closing');
        }
      }
      await orm.close(true);
    },
  };
  return app;
}

/**
 * ADMIN_PHONES are (re)granted super_admin on every boot: start, replay and chat alike. A grant
 * that changes something is audited; re-confirming an existing super_admin is not (every boot).
 */
export async function grantAdminPhones(orm: Orm, services: Services, config: Config, logger: Logger): Promise<void> {
  for (const phone of config.ADMIN_PHONES) {
    await withEm(orm, async (em) => {
      const before = await findUserByPhone(em, phone);
      const unchanged = before?.role?.roleName === 'super_admin' && before.isActive && before.accountStatus === 'active';
      if (unchanged) return;
      const user = await grantRole(em, phone, 'super_admin');
      await services.audit?.record(em, {
        actorPhone: null,
        action: 'boot.admin_phones.grant',
        target: user.phoneNumber,
        details: { role: 'super_admin', previousRole: before?.role?.roleName ?? null },
        outcome: 'success',
        channel: 'system',
      });
      logger.info({ module: 'identity', userId: user.id, phone: maskPhone(phone) }, 'ADMIN_PHONES: super_admin granted');
    });
  }
}
