import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateMessageIDV2, makeEventBuffer, type AnyMessageContent, type GroupMetadata, type WAMessage } from '@whiskeysockets/baileys';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SocketLike } from '../socket.ts';

/**
 * The replay socket: Baileys' own event emitter (`makeEventBuffer`) plus the socket methods the
 * app calls. Sends are recorded instead of leaving the machine and, like the live socket with
 * `emitOwnEvents`, echoed back as `append` upserts. In-memory file contents (buffers) are saved
 * under `outboxDir` so a send always names a file path.
 */

export interface SentRecord {
  type: 'send';
  to: string;
  content: Record<string, unknown>;
  messageId: string;
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf', 'text/csv': 'csv', 'text/plain': 'txt' };

function echoMessage(content: Record<string, unknown>): Record<string, unknown> {
  if (typeof content.text === 'string') return { conversation: content.text };
  if (content.image) return { imageMessage: { caption: content.caption ?? null, mimetype: content.mimetype ?? 'image/jpeg' } };
  if (content.document) return { documentMessage: { caption: content.caption ?? null, mimetype: content.mimetype ?? null, fileName: content.fileName ?? null } };
  return { conversation: '' };
}

export interface ReplaySocket extends SocketLike {
  /** Merges group metadata seen in `groups.upsert` events (what a sync will report). */
  rememberGroups(groups: Array<Partial<GroupMetadata> & { id: string }>): void;
  /** Replaces what `groupFetchAllParticipating` reports (tests of the full sync). */
  setGroups(groups: Array<Partial<GroupMetadata> & { id: string }>): void;
  end(): void;
}

export function createReplaySocket(opts: { logger: Logger; clock: Clock; botJid: string; outboxDir: string; onSend(record: SentRecord): void }): ReplaySocket {
  const ev = makeEventBuffer(opts.logger.child({ module: 'replay.ev' }) as never);
  const groups = new Map<string, GroupMetadata>();
  let ended = false;

  const persistBuffers = (messageId: string, content: Record<string, unknown>, secret: boolean): Record<string, unknown> => {
    const out = { ...content };
    for (const field of ['image', 'document', 'video', 'audio', 'sticker']) {
      const v = out[field];
      if (secret && v) {
        // A TOTP QR carries the seed: recorded as sent, never written to disk.
        out[field] = { omitted: 'secret' };
        continue;
      }
      if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
        mkdirSync(opts.outboxDir, { recursive: true });
        const ext = EXT[String(out.mimetype ?? '')] ?? 'bin';
        const path = join(opts.outboxDir, `${messageId}.${ext}`);
        writeFileSync(path, v);
        out[field] = { url: path };
      }
    }
    return out;
  };

  return {
    ev,
    user: { id: opts.botJid },
    async sendMessage(jid: string, content: AnyMessageContent, options?: { messageId?: string; secret?: boolean }): Promise<WAMessage> {
      if (ended) throw new Error('replay socket closed');
      const messageId = options?.messageId ?? generateMessageIDV2(opts.botJid);
      const recorded = persistBuffers(messageId, content as Record<string, unknown>, options?.secret === true);
      opts.onSend({ type: 'send', to: jid, content: recorded, messageId });
      const message = {
        key: { remoteJid: jid, fromMe: true, id: messageId },
        message: echoMessage(recorded),
        messageTimestamp: Math.floor(opts.clock.now().getTime() / 1000),
      } as unknown as WAMessage;
      process.nextTick(() => {
        if (!ended) ev.emit('messages.upsert', { type: 'append', messages: [message] });
      });
      return message;
    },
    async groupFetchAllParticipating() {
      return Object.fromEntries(groups);
    },
    async updateMediaMessage(): Promise<WAMessage> {
      throw new Error('replay: no media re-upload request possible');
    },
    signalRepository: { lidMapping: { getPNForLID: async () => null } },
    rememberGroups(list) {
      for (const g of list) groups.set(g.id, { ...(groups.get(g.id) ?? { participants: [] }), ...g } as GroupMetadata);
    },
    setGroups(list) {
      groups.clear();
      for (const g of list) groups.set(g.id, { participants: [], ...g } as GroupMetadata);
    },
    end() {
      ended = true;
      (ev as unknown as { removeAllListeners(): void }).removeAllListeners();
    },
  };
}
