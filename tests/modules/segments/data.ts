import type { EntityManager } from '@mikro-orm/sql';
import { Usuario, type IUsuario } from '../../../src/modules/identity/usuario.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { Pedido } from '../../../src/modules/orders/pedido.entity.ts';

/** Small builders for segment tests: a client, their messages and orders at given ages. */

export const DAY = 86_400_000;
let seq = 0;

export async function makeClient(em: EntityManager, phone: string, o: Partial<Record<'nombre' | 'location' | 'region' | 'birthDate', string>> & { createdAt?: Date } = {}): Promise<IUsuario> {
  const u = em.create(Usuario, { phoneNumber: phone, userType: 'client', ...o } as never) as IUsuario;
  await em.flush();
  return u;
}

/** Messages `[direction, daysAgo]` relative to `now`. */
export async function addMessages(em: EntityManager, u: IUsuario, now: Date, msgs: Array<['inbound' | 'outbound', number]>): Promise<void> {
  for (const [dir, days] of msgs) {
    em.create(ConversationLog, { from: u.phoneNumber, cliente: u.id, date: new Date(now.getTime() - days * DAY), messageId: `SEG${++seq}`, messageDirection: dir, channel: 1, body: 'hola' } as never);
  }
  await em.flush();
}

/** Orders `[total, daysAgo, estado?]`. */
export async function addOrders(em: EntityManager, u: IUsuario, now: Date, orders: Array<[string, number, string?]>): Promise<void> {
  for (const [total, days, estado] of orders) {
    em.create(Pedido, { cliente: u.id, total, estado: estado ?? 'entregado', createdAt: new Date(now.getTime() - days * DAY) } as never);
  }
  await em.flush();
}
