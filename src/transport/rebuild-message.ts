import type { WAMessage } from '@whiskeysockets/baileys';
import type { PendingInbound } from '../modules/messaging/replies.ts';
import type { MappedMessage } from './baileys-adapter.ts';
import type { MessageType } from './events.ts';
import { jidKind, lidOfJid, phoneOfJid } from './jid.ts';

/**
 * A logged inbound message rebuilt from its `conversations_log` row, for answering it after a
 * restart: the row keeps what the flows read (type, text or caption, chat, sender's name), not
 * the original protobuf. Media comes back as the same kind of message with its caption (the
 * flows only acknowledge media; the file itself was downloaded when it arrived).
 */
function contentOf(type: string, body: string | null): Record<string, unknown> | null {
  switch (type) {
    case 'text':
      return { conversation: body ?? '' };
    case 'image':
      return { imageMessage: { caption: body ?? undefined } };
    case 'video':
      return { videoMessage: { caption: body ?? undefined } };
    case 'audio':
      return { audioMessage: {} };
    case 'document':
      return { documentMessage: { caption: body ?? undefined } };
    case 'sticker':
      return { stickerMessage: {} };
    case 'location':
      return { locationMessage: {} };
    default:
      return body ? { conversation: body } : null;
  }
}

export function rebuildMessage(row: PendingInbound): MappedMessage | null {
  const jid = row.remoteJid;
  if (!jid || jidKind(jid) === 'group') return null;
  const message = contentOf(row.messageType, row.body);
  if (!message) return null;
  const raw = {
    key: { remoteJid: jid, fromMe: false, id: row.messageId },
    messageTimestamp: Math.floor(row.date.getTime() / 1000),
    pushName: row.name ?? undefined,
    message,
  } as unknown as WAMessage;
  return {
    raw,
    event: {
      type: 'message',
      platform: 'baileys',
      messageId: row.messageId,
      chatJid: jid,
      isGroup: false,
      senderPhone: phoneOfJid(jid) ?? row.phone,
      senderLid: lidOfJid(jid),
      peerPhone: row.phone,
      peerLid: lidOfJid(jid),
      senderName: row.name,
      fromMe: false,
      timestamp: row.date,
      messageType: row.messageType as MessageType,
      body: row.body,
      upsertType: 'notify',
    },
  };
}
