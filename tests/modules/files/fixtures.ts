import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { ensureUser } from '../../../src/modules/identity/identity.service.ts';
import type { MediaRef } from '../../../src/transport/events.ts';
import type { Services } from '../../../src/services.ts';
import { withEm } from '../../../src/db/orm.ts';

/** Builders for files and privacy tests: clients, messages with every column set, media. */

export function media(bytes: Buffer | string, o: Partial<MediaRef> = {}): MediaRef {
  return { kind: 'image', mimetype: 'image/png', fileName: 'foto.png', open: async () => Readable.from([Buffer.from(bytes)]), ...o } as MediaRef;
}

export async function makeClient(em: EntityManager, phone: string, nombre: string) {
  const { user } = await ensureUser(em, phone, { nombre });
  await em.flush();
  return user;
}

let seq = 0;
/** A conversations_log row with as many columns filled as the log ever fills. */
export async function addMessage(em: EntityManager, clienteId: number, phone: string, o: { body?: string; date: Date; direction?: 'inbound' | 'outbound'; type?: string; messageId?: string }) {
  const row = em.create(ConversationLog, {
    from: phone,
    cliente: clienteId,
    date: o.date,
    body: o.body ?? `mensaje ${++seq}`,
    messageType: (o.type ?? 'text') as never,
    messageId: o.messageId ?? `MSG${Date.now()}${++seq}`,
    remoteJid: `${phone}@s.whatsapp.net`,
    channel: 1,
    platformOrigin: 'baileys',
    messageDirection: o.direction ?? 'inbound',
    origin: o.direction === 'outbound' ? 'flow' : 'customer',
    deliveryStatus: o.direction === 'outbound' ? 'read' : null,
    statusUpdatedAt: o.direction === 'outbound' ? new Date(o.date.getTime() + 1234) : null,
    quotedMessageId: 'QUOTED1',
    raw: { action: 'edit', nested: { n: 1.5, list: [1, 'a', null], ok: true } },
    createdAt: new Date(o.date.getTime() + 7),
  } as never);
  await em.flush();
  return row;
}

/** Stores a file for the client through the one write path, linked to a message id. */
export async function saveFile(services: Services, clienteId: number, bytes: Buffer | string, o: Partial<MediaRef> & { messageId?: string } = {}) {
  const { messageId, ...m } = o;
  return services.files.saveClientFile((fn) => withEm(services.deps.orm, fn), clienteId, { messageId: messageId ?? null, media: media(bytes, m) });
}
