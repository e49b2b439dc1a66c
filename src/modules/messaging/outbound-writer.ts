import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog } from './conversation-log.entity.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { ensureUser } from '../identity/identity.service.ts';
import { WhatsappGroup } from '../groups/whatsapp-group.entity.ts';
import { WhatsappGroupMessageLog } from '../groups/whatsapp-group-message-log.entity.ts';
import type { DeliveryStatus, MessageType, Platform } from '../../transport/events.ts';
import type { OutboundOrigin } from '../../transport/types.ts';
import { jidKind, jidUser } from '../../transport/jid.ts';

/** One message we sent (or tried to), as the outbound sender logs it at send time. */
export interface OutboundEntry {
  messageId: string;
  chatJid: string;
  peerPhone: string | null;
  peerLid?: string | null;
  platform: Platform;
  /** The number it went out from (see conversations_log.business_number_id). */
  businessNumberId?: string | null;
  messageType: MessageType;
  body: string | null;
  origin: OutboundOrigin;
  campaignId?: string | null;
  timestamp: Date;
  status: Extract<DeliveryStatus, 'pending' | 'sent' | 'failed'>;
  failureReason?: string | null;
  /** The inbound message this answers (its id is derived from it: replies.ts). */
  replyTo?: string | null;
  /** Extra JSON kept in `raw` (a stored command reply, to be re-sent after a crash). */
  raw?: unknown;
  /**
   * The id the row was written under while pending, when the transport then assigned another
   * (the Cloud API's wamid): the row is renamed to `messageId`.
   */
  pendingId?: string | null;
}

/** The row an outbound entry becomes (also used to store a command's replies before sending). */
export function outboundRow(entry: OutboundEntry, userId: number | null, phone: string | null, channelId: number | null): Record<string, unknown> {
  return {
    from: (phone ?? entry.peerPhone ?? entry.chatJid).slice(0, 50),
    cliente: userId,
    date: entry.timestamp,
    body: entry.body,
    messageType: entry.messageType,
    messageId: entry.messageId,
    remoteJid: entry.chatJid,
    channel: channelId,
    platformOrigin: entry.platform,
    businessNumberId: entry.businessNumberId ?? null,
    messageDirection: 'outbound',
    origin: entry.origin,
    campaign: entry.campaignId ?? null,
    deliveryStatus: entry.status,
    statusUpdatedAt: entry.timestamp,
    failureReason: entry.failureReason ?? null,
    replyTo: entry.replyTo ?? null,
    raw: entry.raw ?? null,
    createdAt: new Date(),
  };
}

/**
 * Inserts the outbound row. If the `append` echo of the same send was logged first, our own
 * knowledge (origin, campaign) replaces its guess. Status: a row written `pending` before the
 * send becomes `sent` (or `failed`) here, but only from `pending` — a receipt may already have
 * moved it forward, and a row never says `sent` before the transport accepted the message.
 * Returns false when only the status of the row written `pending` before the send moved (its
 * early receipts were applied then); true when a row was written here.
 */
export async function writeOutbound(em: EntityManager, entry: OutboundEntry, channelId: number | null): Promise<boolean> {
  if (jidKind(entry.chatJid) === 'group') {
    await em.createQueryBuilder(WhatsappGroup)
      .insert({ groupId: entry.chatJid, groupJid: entry.chatJid, groupName: jidUser(entry.chatJid), syncStatus: 'pending', isActive: true } as never)
      .onConflict('groupId').ignore().execute();
    await em.createQueryBuilder(WhatsappGroupMessageLog)
      .insert({
        messageId: entry.messageId, group: entry.chatJid, messageBody: entry.body, isBotMessage: true, messageTimestamp: entry.timestamp, createdAt: new Date(),
        messageType: ['image', 'document'].includes(entry.messageType) ? entry.messageType : 'text',
      } as never)
      .onConflict('messageId').ignore().execute();
    return true;
  }
  const outcome = { deliveryStatus: entry.status, statusUpdatedAt: entry.timestamp, ...(entry.failureReason ? { failureReason: entry.failureReason } : {}) };
  // The usual outcome of a send: the `pending` row written before it (same id, our own origin)
  // only moves to `sent`/`failed` — one statement, no user look-up and no insert.
  const renamed = entry.pendingId && entry.pendingId !== entry.messageId;
  if (entry.status !== 'pending' && !renamed) {
    const moved = await em.nativeUpdate(ConversationLog, { messageId: entry.messageId, messageDirection: 'outbound', deliveryStatus: 'pending' } as never, outcome as never);
    if (moved === 1) return false;
  }
  let user = entry.peerPhone ? (await ensureUser(em, entry.peerPhone)).user : null;
  if (!user && entry.peerLid) user = await em.findOne(Usuario, { lid: entry.peerLid });
  await em.flush();
  if (entry.pendingId && entry.pendingId !== entry.messageId && !(await em.count(ConversationLog, { messageId: entry.messageId }))) {
    await em.nativeUpdate(ConversationLog, { messageId: entry.pendingId } as never, { messageId: entry.messageId } as never);
  }
  await em.createQueryBuilder(ConversationLog)
    .insert(outboundRow(entry, user?.id ?? null, user?.phoneNumber ?? null, channelId) as never)
    .onConflict('messageId')
    .merge(['origin', 'campaign'] as never)
    .execute();
  if (entry.status === 'pending') {
    // Sending again what the transport refused last time (same derived id): pending once more.
    await em.nativeUpdate(ConversationLog, { messageId: entry.messageId, messageDirection: 'outbound', deliveryStatus: 'failed' } as never, { deliveryStatus: 'pending', failureReason: null } as never);
  } else {
    await em.nativeUpdate(
      ConversationLog,
      { messageId: entry.messageId, messageDirection: 'outbound', $or: [{ deliveryStatus: 'pending' }, { deliveryStatus: null }] } as never,
      outcome as never,
    );
  }
  return true;
}

/** The delivery status of one of our messages, or null when no row has that id. */
export async function outboundStatus(em: EntityManager, messageId: string): Promise<string | null | undefined> {
  const row = await em.findOne(ConversationLog, { messageId } as never, { fields: ['deliveryStatus'] as never, disableIdentityMap: true });
  return row ? (row.deliveryStatus ?? null) : undefined;
}
