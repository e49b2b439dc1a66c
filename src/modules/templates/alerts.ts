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

  async function tell(phones: string[], message: string): Promise<number> {
    let sent = 0;
    for (const phone of new Set(phones)) {
      try {
        await deps.notify(phone, message);
        sent++;
      } catch (err) {
        log.warn({ err }, 'template alert not delivered');
      }
    }
    return sent;
  }

  return {
    tell,
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
      // Nobody could be told (no transport right now): drop the marker so the next failure tries again.
      if (!sent && phones.length) await withEm(deps.orm, (em) => em.nativeDelete(TemplateSyncState, { stateKey: TOKEN_KEY } as never));
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
