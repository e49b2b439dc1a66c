import { jidUser } from '../../transport/jid.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { ConversationLog, type MessageType as LogMessageType, type ReplyState } from './conversation-log.entity.ts';
import { WhatsappGroup } from '../groups/whatsapp-group.entity.ts';
import { WhatsappGroupMessageLog, type IWhatsappGroupMessageLog } from '../groups/whatsapp-group-message-log.entity.ts';
import { ClientFileStorage } from '../files/client-file-storage.entity.ts';
import { fileTypeOf, sanitizeFileName } from '../files/file-names.ts';
import type { MessageReceived } from '../../transport/events.ts';
import type { OutboundOrigin } from '../../transport/types.ts';
import { resolvePeers } from './user-resolver.ts';
import { insertIgnore } from './bulk-insert.ts';
import { storableSize, withoutNul } from './storable.ts';

/**
 * Writes one batch of MessageReceived events inside the caller's transaction: `usuarios`,
 * `conversations_log` (1:1), `whatsapp_group_messages_log` (groups) and a pending
 * `client_file_storage` row per new media message. Idempotent on the provider message id: a
 * redelivered message writes nothing and comes back with `inserted: false`.
 */

export interface MessageOutcome {
  messageId: string;
  /** The event was written (or was already there). */
  ok: boolean;
  /** false when this id was already logged (a redelivery): never answer it twice. */
  inserted: boolean;
  userId: number | null;
  phone: string | null;
  lid: string | null;
  /** The person's first message to us. */
  firstContact: boolean;
  /** Where answering it stands (replies.ts): as just written, or as found for a redelivery. */
  replyState?: ReplyState | null;
  error?: unknown;
}

export interface PendingMedia {
  fileId: string;
  userId: number;
  event: MessageReceived;
}

export interface WriteContext {
  channelId: number | null;
  /** Origin of our own sends, when this process sent the message (dedupes the `append` echo). */
  ownOrigin(messageId: string): { origin: OutboundOrigin; campaignId?: string | null } | null;
  /** What of a body may be stored: admin commands carry secrets (passwords, one-time codes). */
  storableBody?(body: string): string;
  /** Whether this inbound 1:1 message is to be answered (its reply_state starts `pending`). */
  answerable?(e: MessageReceived): boolean;
  /** Longest body stored (characters); longer ones are cut and their length kept. */
  bodyMaxChars?: number;
}

const DEFAULT_BODY_MAX = 16_384;

/** The body as stored: NUL-free, secrets redacted, capped (with the full length when cut). */
function storable(ctx: WriteContext, body: string | null): { body: string | null; length: number | null } {
  if (!body) return { body, length: null };
  const clean = withoutNul(body);
  const max = ctx.bodyMaxChars ?? DEFAULT_BODY_MAX;
  const capped = clean.length > max ? `${clean.slice(0, max)}…` : clean;
  const redacted = ctx.storableBody && clean.trimStart().startsWith('/') ? ctx.storableBody(capped) : capped;
  return { body: redacted, length: clean.length > max ? clean.length : null };
}

const GROUP_TYPES = new Set<IWhatsappGroupMessageLog['messageType']>(['text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction']);

/** The group log's type column is narrower than ours: other kinds are kept as text. */
const groupType = (t: string): IWhatsappGroupMessageLog['messageType'] =>
  GROUP_TYPES.has(t as never) ? (t as IWhatsappGroupMessageLog['messageType']) : 'text';

async function existingIds(em: EntityManager, entity: typeof ConversationLog | typeof WhatsappGroupMessageLog, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await em.createQueryBuilder(entity as typeof ConversationLog).select(['messageId']).where({ messageId: { $in: ids } }).execute<Array<Record<string, string>>>('all', false);
  return new Set(rows.map((r) => r.message_id ?? r.messageId!));
}

/** Already-logged 1:1 messages with their reply state (a redelivery may still need its answer). */
async function existingReplyStates(em: EntityManager, ids: string[]): Promise<Map<string, ReplyState | null>> {
  if (!ids.length) return new Map();
  const rows = await em.createQueryBuilder(ConversationLog).select(['messageId', 'replyState']).where({ messageId: { $in: ids } }).execute<Array<Record<string, string | null>>>('all', false);
  return new Map(rows.map((r) => [String(r.message_id ?? r.messageId), (r.reply_state ?? r.replyState ?? null) as ReplyState | null]));
}

export async function writeMessages(em: EntityManager, events: MessageReceived[], ctx: WriteContext): Promise<{ outcomes: MessageOutcome[]; media: PendingMedia[] }> {
  const outcomes = new Map<MessageReceived, MessageOutcome>();
  const media: PendingMedia[] = [];
  const direct = events.filter((e) => !e.isGroup);
  const groups = events.filter((e) => e.isGroup);

  if (direct.length) {
    const peers = await resolvePeers(em, direct);
    const seen = await existingReplyStates(em, direct.map((e) => e.messageId));
    const rows: Record<string, unknown>[] = [];
    const files: Record<string, unknown>[] = [];
    direct.forEach((e, i) => {
      const peer = peers[i]!;
      const inserted = !seen.has(e.messageId);
      const replyState: ReplyState | null = inserted ? (!e.fromMe && ctx.answerable?.(e) ? 'pending' : null) : (seen.get(e.messageId) ?? null);
      if (inserted) seen.set(e.messageId, replyState);
      outcomes.set(e, { messageId: e.messageId, ok: true, inserted, userId: peer.userId, phone: peer.phone, lid: peer.lid, firstContact: peer.firstContact && inserted, replyState });
      if (!inserted) return;
      const own = e.fromMe ? ctx.ownOrigin(e.messageId) : null;
      const stored = storable(ctx, e.body);
      rows.push({
        // Column widths hold for any input (PostgreSQL rejects what SQLite would quietly keep).
        from: (peer.phone ?? e.chatJid).slice(0, 50),
        cliente: peer.userId,
        date: e.timestamp,
        body: stored.body,
        bodyLength: stored.length,
        messageType: e.messageType as LogMessageType,
        messageId: e.messageId,
        remoteJid: e.chatJid,
        channel: ctx.channelId,
        platformOrigin: e.platform,
        businessNumberId: e.businessNumberId?.slice(0, 50) ?? null,
        messageDirection: e.fromMe ? 'outbound' : 'inbound',
        origin: e.fromMe ? (own?.origin ?? 'staff_phone') : 'customer',
        campaign: own?.campaignId ?? null,
        deliveryStatus: e.fromMe ? 'sent' : null,
        quotedMessageId: e.quotedId?.slice(0, 255) ?? null,
        raw: e.extra ?? null,
        replyState,
        createdAt: new Date(),
      });
      // Our own sends already have their bytes; everything else with media is downloaded.
      if (e.media && peer.userId && !own) {
        const fileId = crypto.randomUUID();
        files.push({
          fileId,
          cliente: peer.userId,
          messageId: e.messageId,
          fileType: fileTypeOf(e.media.kind),
          mimeType: e.media.mimetype?.slice(0, 100) ?? null,
          originalFilename: sanitizeFileName(e.media.fileName),
          fileSize: storableSize(e.media.declaredSize),
          filePath: '',
          downloadStatus: 'pending',
          sourceSha256: e.media.expectedSha256 ?? null,
          mediaKeyJson: e.media.retryInfo ?? null,
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        media.push({ fileId, userId: peer.userId, event: e });
      }
    });
    await insertIgnore(em, ConversationLog, rows, 'messageId');
    await insertIgnore(em, ClientFileStorage, files, 'messageId');
  }

  if (groups.length) {
    const jids = [...new Set(groups.map((e) => e.chatJid))];
    // A group seen before its metadata: a placeholder row the next sync fills in.
    await insertIgnore(em, WhatsappGroup, jids.map((jid) => ({ groupId: jid, groupJid: jid, groupName: jidUser(jid), syncStatus: 'pending', isActive: true, createdAt: new Date(), updatedAt: new Date() })), 'groupId');
    const seen = await existingIds(em, WhatsappGroupMessageLog, groups.map((e) => e.messageId));
    const rows: Record<string, unknown>[] = [];
    for (const e of groups) {
      const inserted = !seen.has(e.messageId);
      seen.add(e.messageId);
      outcomes.set(e, { messageId: e.messageId, ok: true, inserted, userId: null, phone: e.senderPhone, lid: e.senderLid ?? null, firstContact: false });
      if (!inserted) continue;
      rows.push({
        messageId: e.messageId,
        group: e.chatJid,
        senderPhoneNumber: e.senderPhone?.slice(0, 20) ?? null,
        senderName: e.senderName ? withoutNul(e.senderName).slice(0, 255) : null,
        messageBody: storable(ctx, e.body).body,
        messageType: groupType(e.messageType),
        mediaUrl: e.media ? mediaReference(e) : null,
        isBotMessage: e.fromMe,
        messageTimestamp: e.timestamp,
        createdAt: new Date(),
      });
    }
    await insertIgnore(em, WhatsappGroupMessageLog, rows, 'messageId');
  }

  return { outcomes: events.map((e) => outcomes.get(e)!), media };
}

/** Group media is referenced, not downloaded: where WhatsApp keeps it (enough to fetch it later). */
function mediaReference(e: MessageReceived): string | null {
  const info = e.media?.retryInfo as { directPath?: string | null; url?: string | null } | undefined;
  const ref = info?.url ?? info?.directPath ?? null;
  return ref ? ref.slice(0, 500) : `${e.media!.kind}:${e.messageId}`.slice(0, 500);
}
