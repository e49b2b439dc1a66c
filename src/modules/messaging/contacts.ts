import type { EntityManager } from '@mikro-orm/sql';
import { Usuario } from '../identity/usuario.entity.ts';
import { ConversationLog } from './conversation-log.entity.ts';
import type { ContactUpserted } from '../../transport/events.ts';
import { lidJid } from '../../transport/jid.ts';

/**
 * Contacts never create people (the address book is not a customer list). When WhatsApp pairs
 * a LID with a phone we already know, the person's row keeps the LID and any messages logged
 * while only the LID was known are attached to them.
 */
export async function applyContact(em: EntityManager, e: ContactUpserted): Promise<void> {
  if (!e.phone) return;
  const user = await em.findOne(Usuario, { phoneNumber: e.phone });
  if (!user) return;
  if (e.name && !user.nombre) user.nombre = e.name.slice(0, 255);
  if (e.lid && user.lid !== e.lid) {
    await em.nativeUpdate(Usuario, { lid: e.lid, id: { $ne: user.id } } as never, { lid: null });
    user.lid = e.lid;
  }
  await em.flush();
  if (e.lid) {
    await em.nativeUpdate(
      ConversationLog,
      { remoteJid: lidJid(e.lid), cliente: null } as never,
      { cliente: user.id, from: user.phoneNumber } as never,
    );
  }
}
