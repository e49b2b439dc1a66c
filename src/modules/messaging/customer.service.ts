import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import { Usuario, type IUsuario } from '../identity/usuario.entity.ts';
import { findUserByLid, setMarketingConsent } from '../identity/identity.service.ts';
import { listLatestOrders } from '../orders/orders.service.ts';
import type { IPedido } from '../orders/pedido.entity.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';

/**
 * What the customer flows may do: every decision and write behind the conversation. A customer
 * is referred to by what the transport knows (user id after ingest, else phone or LID).
 */
export interface CustomerRef {
  userId?: number | null;
  phone?: string | null;
  lid?: string | null;
}

export type ConsentOutcome = 'changed' | 'unchanged' | 'unknown_customer';

export function createCustomerService(deps: { orm: Orm; clock: Clock; logger: Logger }) {
  const log = deps.logger.child({ module: 'customers' });

  const find = async (em: EntityManager, ref: CustomerRef): Promise<IUsuario | null> => {
    if (ref.userId) return em.findOne(Usuario, { id: ref.userId });
    if (ref.phone) return em.findOne(Usuario, { phoneNumber: ref.phone });
    if (ref.lid) return findUserByLid(em, ref.lid);
    return null;
  };

  const consent = (ref: CustomerRef, optIn: boolean, source: string): Promise<ConsentOutcome> =>
    withEm(deps.orm, async (em) => {
      const user = await find(em, ref);
      if (!user) return 'unknown_customer';
      const changed = await setMarketingConsent(em, user, optIn, deps.clock.now(), source);
      if (changed) log.info({ userId: user.id, optIn }, optIn ? 'customer opted back in to marketing' : 'customer opted out of marketing');
      return changed ? 'changed' : 'unchanged';
    });

  return {
    /**
     * Consent collected outside the chat (a form, a shop counter, an import): `source` says where,
     * and is kept with the change. Unknown phones are refused (consent belongs to a known client).
     */
    setConsent: async (phone: string, granted: boolean, source: string): Promise<ConsentOutcome> => {
      const digits = normalizePhone(phone);
      if (!digits) throw new ValidationError(t('http.invalid_phone', { phone }), undefined, 'INVALID_PHONE');
      const outcome = await consent({ phone: digits }, granted, source);
      if (outcome === 'unknown_customer') throw new NotFoundError(t('http.client_not_found', { phone: digits }), 'CLIENT_NOT_FOUND');
      return outcome;
    },
    /** BAJA / STOP typed by the customer (or `source`, e.g. an API call or an import). */
    optOut: (ref: CustomerRef, source = 'chat:baja') => consent(ref, false, source),
    /** ALTA typed by the customer, or consent collected elsewhere: `source` says where. */
    optIn: (ref: CustomerRef, source = 'chat:alta') => consent(ref, true, source),
    latestOrders: (ref: CustomerRef, limit = 5): Promise<IPedido[] | null> =>
      withEm(deps.orm, async (em) => {
        const user = await find(em, ref);
        return user ? listLatestOrders(em, user.id, limit) : null;
      }),
    /** A handoff request: logged for staff dashboards (no PII at info level). */
    requestAgent(ref: CustomerRef): void {
      log.info({ userId: ref.userId ?? null }, 'customer asked for an agent');
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
