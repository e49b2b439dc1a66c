import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConnectionState, Reply, SendResult, Transport } from '../../transport/types.ts';
import type { GraphClient } from './graph-client.ts';

/**
 * Outbound through the WhatsApp Cloud API, behind the same Transport interface as Baileys, so the
 * outbound sender, campaigns and flows do not care which platform carries a reply. Images and
 * documents are uploaded first (/{phone-number-id}/media) and sent by media id. Note: outside the
 * 24-hour customer service window Meta only delivers template messages (`graph.sendTemplate`).
 */
export function createMetaTransport(graph: GraphClient, clock: { now(): Date } = { now: () => new Date() }): Transport {
  const since = clock.now().toISOString();
  const state: ConnectionState = { status: graph.configured ? 'open' : 'disabled', since, reconnects: 0 };

  const toOf = (jid: string): string => {
    const digits = jid.split('@')[0]?.split(':')[0] ?? '';
    if (!/^\d{6,20}$/.test(digits) || jid.endsWith('@g.us')) throw new Error(`Cloud API cannot address ${jid}: only 1:1 phone JIDs`);
    return digits;
  };

  async function bytesOf(reply: Extract<Reply, { kind: 'image' | 'document' }>): Promise<Buffer> {
    if (reply.buffer) return reply.buffer;
    if (reply.path) return readFile(reply.path);
    throw new Error('reply without buffer or path');
  }

  return {
    platform: 'meta_cloud',
    async send(jid, reply): Promise<SendResult> {
      const to = toOf(jid);
      try {
        let out;
        if (reply.kind === 'text') out = await graph.sendText(to, reply.text);
        else if (reply.kind === 'template') out = await graph.sendTemplate(to, reply.name, reply.language, reply.components);
        else {
          const mime = reply.mimetype ?? (reply.kind === 'image' ? 'image/jpeg' : 'application/octet-stream');
          const fileName = reply.kind === 'document' ? reply.fileName : basename(reply.path ?? 'imagen.jpg');
          const mediaId = await graph.uploadMedia(await bytesOf(reply), mime, fileName);
          out = await graph.sendMedia(to, reply.kind, { id: mediaId }, { caption: reply.caption, fileName });
        }
        state.lastError = undefined;
        return { messageId: out.messageId, jid: `${to}@s.whatsapp.net` };
      } catch (err) {
        state.lastError = (err as Error).message;
        throw err;
      }
    },
    state: () => ({ ...state }),
  };
}
