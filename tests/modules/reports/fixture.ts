import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { zonedTime } from '../../../src/modules/admin/args.ts';

/**
 * A small, hand-computed message history in Europe/Madrid (UTC+1 in November). Figures every
 * report test checks are written next to the rows that produce them.
 */
export const TZ = 'Europe/Madrid';
export const A = '34600000001';
export const B = '34600000002';
export const C = '34600000003';
export const WA = 1; // WhatsApp
export const SMS = 2; // SMS Local

/** Local wall-clock time in Madrid → instant. */
export const at = (s: string): Date => {
  const [d, t] = s.split(' ');
  const [y, mo, da] = d!.split('-').map(Number) as [number, number, number];
  const [h, mi] = (t ?? '00:00').split(':').map(Number) as [number, number];
  return zonedTime(y, mo, da, h, mi, 0, TZ)!;
};

let seq = 0;
export function msg(em: EntityManager, from: string, when: string, dir: 'inbound' | 'outbound', channel: number, over: Record<string, unknown> = {}) {
  const user = em.getReference(Usuario, clientIds.get(from)!);
  return em.create(ConversationLog, {
    from,
    cliente: user,
    date: at(when),
    body: 'x',
    messageId: `m${++seq}-${from}-${when}`,
    channel,
    messageDirection: dir,
    deliveryStatus: dir === 'outbound' ? 'sent' : null,
    ...over,
  } as never);
}

export const clientIds = new Map<string, number>();

export async function seedClients(em: EntityManager, created: Record<string, string>): Promise<void> {
  for (const [phone, when] of Object.entries(created)) {
    const u = em.create(Usuario, { phoneNumber: phone, nombre: `Cliente ${phone.slice(-1)}`, createdAt: at(when) } as never);
    await em.flush();
    clientIds.set(phone, u.id);
  }
}

/**
 * Day 2026-11-02 (local):
 *  WhatsApp: A in 10:00 → out 10:01 (60 s); A in 10:05 → out 10:06 failed (ignored) → out 10:15 (600 s);
 *            B in 23:30 → out 11-03 00:10 (2 400 s). inbound 3, outbound 3, failed 1, users 2, avg 1 020 s.
 *  SMS:      C in 00:30 (= 11-01 23:30 UTC) and 08:00, answered 11-03 09:00 (> 24 h): inbound 2, users 1, avg null.
 * Day 2026-11-03: WhatsApp out B 00:10 (outbound 1, users 1); SMS out C 09:00 (outbound 1, users 1).
 */
export async function seedNovember(em: EntityManager): Promise<void> {
  msg(em, A, '2026-11-02 10:00', 'inbound', WA);
  msg(em, A, '2026-11-02 10:01', 'outbound', WA);
  msg(em, A, '2026-11-02 10:05', 'inbound', WA);
  msg(em, A, '2026-11-02 10:06', 'outbound', WA, { deliveryStatus: 'failed' });
  msg(em, A, '2026-11-02 10:15', 'outbound', WA);
  msg(em, B, '2026-11-02 23:30', 'inbound', WA);
  msg(em, B, '2026-11-03 00:10', 'outbound', WA);
  msg(em, C, '2026-11-02 00:30', 'inbound', SMS);
  msg(em, C, '2026-11-02 08:00', 'inbound', SMS);
  msg(em, C, '2026-11-03 09:00', 'outbound', SMS);
  await em.flush();
}
