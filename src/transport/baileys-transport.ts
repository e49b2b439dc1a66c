import { basename } from 'node:path';
import { generateMessageIDV2, type AnyMessageContent } from '@whiskeysockets/baileys';
import { replyText, TransportUnavailableError } from './reply.ts';
import type { ConnectionState, OutboundOrigin, Reply, SendResult, Transport } from './types.ts';
import type { SocketLike } from './socket.ts';
import { phoneOfJid } from './jid.ts';

/**
 * The Baileys side of the `Transport` interface, shared by the live socket and the replay
 * socket. Message ids are chosen here, before sending, so the `append` echo of our own send can
 * be recognised (`onOwnSend`) whichever arrives first, the echo or the log row.
 */

/** Our Reply → Baileys message content. Files are sent from their path (streamed by Baileys). */
export function replyToContent(reply: Reply): AnyMessageContent {
  switch (reply.kind) {
    case 'text':
    case 'template':
      // WhatsApp Web has no template messages: Baileys sends the rendered text.
      return { text: reply.text };
    // No interactive messages on Baileys (WhatsApp drops them for linked devices): numbered
    // options, which the flows accept as answers; a template is its rendered text.
    case 'template':
    case 'buttons':
    case 'list':
      return { text: replyText(reply) };
    case 'image': {
      const image = reply.buffer ?? (reply.path ? { url: reply.path } : null);
      if (!image) throw new Error('image reply needs a path or a buffer');
      return { image, caption: reply.caption, mimetype: reply.mimetype } as AnyMessageContent;
    }
    case 'document': {
      const document = reply.buffer ?? (reply.path ? { url: reply.path } : null);
      if (!document) throw new Error('document reply needs a path or a buffer');
      return { document, fileName: reply.fileName || (reply.path ? basename(reply.path) : 'archivo'), mimetype: reply.mimetype, caption: reply.caption };
    }
  }
}

export interface BaileysTransportOptions {
  socket(): SocketLike | null | undefined;
  state(): ConnectionState;
  /** Called with the id before the socket sends it. */
  onOwnSend?(messageId: string, info: { origin: OutboundOrigin; campaignId?: string | null }): void;
}

export function createBaileysTransport(opts: BaileysTransportOptions): Transport {
  return {
    platform: 'baileys',
    state: opts.state,
    newMessageId: () => generateMessageIDV2(opts.socket()?.user?.id),
    businessNumberId: () => phoneOfJid(opts.socket()?.user?.id),
    async send(jid: string, reply: Reply, o: { origin?: OutboundOrigin; campaignId?: string; messageId?: string } = {}): Promise<SendResult> {
      const sock = opts.socket();
      if (!sock) throw new TransportUnavailableError();
      const messageId = o.messageId ?? generateMessageIDV2(sock.user?.id);
      opts.onOwnSend?.(messageId, { origin: o.origin ?? 'bot', campaignId: o.campaignId ?? null });
      const secret = reply.kind === 'image' && reply.secret === true;
      const sent = await sock.sendMessage(jid, replyToContent(reply), { messageId, ...(secret ? { secret } : {}) });
      return { messageId: sent?.key?.id ?? messageId, jid };
    },
  };
}
