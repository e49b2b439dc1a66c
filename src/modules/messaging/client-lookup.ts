import type { EntityManager } from '@mikro-orm/sql';
import { Usuario, type IUsuario } from '../identity/usuario.entity.ts';
import { ConversationLog } from './conversation-log.entity.ts';
import { Pedido } from '../orders/pedido.entity.ts';
import { ClientFileStorage } from '../files/client-file-storage.entity.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';

/** A client by phone as typed (with or without +, spaces), or a Spanish 400/404. */
export async function findClient(em: EntityManager, raw: string): Promise<IUsuario> {
  const phone = normalizePhone(raw);
  if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: raw.slice(0, 30) }), undefined, 'INVALID_PHONE');
  const user = await em.findOne(Usuario, { phoneNumber: phone }, { populate: ['role'] as never });
  if (!user) throw new NotFoundError(t('http.client_not_found', { phone }), 'CLIENT_NOT_FOUND');
  return user;
}

/** How much a client has with us: messages, orders and files. */
export async function clientCounts(em: EntityManager, clienteId: number): Promise<{ messages: number; orders: number; files: number }> {
  const [messages, orders, files] = await Promise.all([
    em.count(ConversationLog, { cliente: clienteId } as never),
    em.count(Pedido, { cliente: clienteId } as never),
    em.count(ClientFileStorage, { cliente: clienteId } as never),
  ]);
  return { messages, orders, files };
}
