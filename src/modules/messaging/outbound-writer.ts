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
}

/**
 * Inserts the outbound row. If the `append` echo of the same send was logged first, our own
 * knowledge (origin, campaign) replaces its guess; delivery status is left alone, since a receipt
 * may already have moved it forward.
 */
export async function writeOutbound(em: EntityManager, entry: OutboundEntry, channelId: number | null): Promise<void> {
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
    return;
  }
  let user = entry.peerPhone ? (await ensureUser(em, entry.peerPhone)).user : null;
  if (!user && entry.peerLid) user = await em.findOne(Usuario, { lid: entry.peerLid });
  await em.flush();
  await em.createQueryBuilder(ConversationLog)
    .insert({
      from: user?.phoneNumber ?? entry.peerPhone ?? entry.chatJid,
      cliente: user?.id ?? null,
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
      createdAt: new Date(),
    } as never)
    .onConflict('messageId')
    .merge(['origin', 'campaign'] as never)
    .execute();
}
