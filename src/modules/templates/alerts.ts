import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from '../../logger.ts';
import type { Orm } from '../../db/orm.ts';
import { withEm } from '../../db/orm.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { t } from '../../shared/i18n/index.ts';
import { TemplateSyncState } from './template-sync-state.entity.ts';

/**
 * Telling people in chat: the super_admins (and a template's owner) about an expired Meta token
 * or a paused/disabled template. The token alert is sent once: a durable marker row
 * (`template_sync_state`, key `token_expired_alerted`) is inserted first — the primary key makes
 * the insert the lock, so two instances or two failing calls never both alert — and removed when
 * a Graph API call works again, so a later expiry alerts again.
 */

export type Notify = (phone: string, message: string) => Promise<void>;

const TOKEN_KEY = 'token_expired_alerted';

export async function superAdminPhones(em: EntityManager): Promise<string[]> {
  const rows = await em.find(Usuario, { role: { roleName: 'super_admin' }, isActive: true, accountStatus: 'active' } as never, { fields: ['phoneNumber'] as never });
  return rows.map((u) => u.phoneNumber).filter(Boolean);
}

export function createAlerts(deps: { orm: Orm; logger: Logger; now(): Date; notify: Notify }) {
  const log = deps.logger.child({ module: 'templates.alerts' });
  let markerMayExist = true;

  /** Sends one stored alert; the row goes only once it was delivered. */
  async function deliver(key: string, phone: string, message: string): Promise<boolean> {
    try {
      await deps.notify(phone, message);
    } catch (err) {
      log.warn({ err }, 'template alert not delivered yet; kept for a retry');
      return false;
    }
    await withEm(deps.orm, (em) => em.nativeDelete(TemplateSyncState, { stateKey: key } as never));
    return true;
  }

  /**
   * Alerts are durable: each (person, message) is stored first (`alert:<id>` rows in
   * template_sync_state), then sent; one that cannot be sent now (no transport, WhatsApp down)
   * stays until `retryPending` (a job, every minute) delivers it — a paused template is never
   * silently unannounced.
   */
  async function tell(phones: string[], message: string): Promise<number> {
    const rows = [...new Set(phones)].map((phone) => ({ key: `alert:${randomUUID()}`, phone }));
    if (!rows.length) return 0;
    await withEm(deps.orm, async (em) => {
      for (const r of rows) em.create(TemplateSyncState, { stateKey: r.key, stateValue: { phone: r.phone, message }, updatedAt: deps.now() } as never);
      await em.flush();
    });
    let sent = 0;
    for (const r of rows) if (await deliver(r.key, r.phone, message)) sent++;
    return sent;
  }

  return {
    tell,
    /** Sends the alerts that could not be delivered earlier; returns how many went out. */
    async retryPending(): Promise<number> {
      const pending = await withEm(deps.orm, (em) => em.find(TemplateSyncState, { stateKey: { $like: 'alert:%' } } as never, { orderBy: { updatedAt: 'asc' } as never, limit: 200 }));
      let sent = 0;
      for (const row of pending) {
        const v = (row.stateValue ?? {}) as { phone?: string; message?: string };
        if (v.phone && v.message && (await deliver(row.stateKey, v.phone, v.message))) sent++;
      }
      return sent;
    },
    async tokenExpired(): Promise<boolean> {
      const first = await withEm(deps.orm, async (em) => {
        try {
          await em.insert(TemplateSyncState, { stateKey: TOKEN_KEY, stateValue: { at: deps.now().toISOString() }, updatedAt: deps.now() } as never);
          return true;
        } catch (err) {
          if (err instanceof UniqueConstraintViolationException) return false;
          throw err;
        }
      });
      markerMayExist = true;
      if (!first) return false;
      const phones = await withEm(deps.orm, superAdminPhones);
      const sent = await tell(phones, t('templates.alert.token'));
      log.warn({ recipients: phones.length, sent }, 'Meta access token expired: super_admins alerted');
      // Nobody could be told right now: the stored alerts are delivered by retryPending later.
      return sent > 0;
    },
    /** A Graph API call worked: the token is fine again, so a later expiry must alert again. */
    async tokenWorks(): Promise<void> {
      if (!markerMayExist) return;
      await withEm(deps.orm, (em) => em.nativeDelete(TemplateSyncState, { stateKey: TOKEN_KEY } as never));
      markerMayExist = false;
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
