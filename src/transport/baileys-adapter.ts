import { cleanDisplayName } from '../shared/text.ts';
import type { Readable } from 'node:stream';
import { proto, type BaileysEventMap, type WAMessage } from '@whiskeysockets/baileys';
import { normalizeStatus } from '../modules/messaging/status-order.ts';
import type {
  ContactUpserted,
  DeliveryStatus,
  GroupInfo,
  GroupParticipant,
  GroupParticipantsChanged,
  GroupUpdated,
  GroupUpserted,
  MessageReceived,
  ReceiptUpdated,
} from './events.ts';
import { jidKind, lidOfJid, normalizeJid, phoneOfJid } from './jid.ts';
import type { LidDirectory } from './lid-directory.ts';
import { classifyContent, str, toNumber, type MediaInfo } from './message-content.ts';

/**
 * THE adapter: turns Baileys socket events into the normalized events of events.ts. The live
 * socket and the replay transport both feed it, so tests exercise this exact mapping code.
 * Pure apart from the LID directory it learns into; nothing here touches the database.
 */

export interface AdapterDeps {
  lids: LidDirectory;
  now(): Date;
  /** This account's phone digits and LID, once known (fromMe messages are sent by it). */
  self(): { phone: string | null; lid: string | null };
  /** Opens the media bytes of a message (live: Baileys download; replay: the `mediaFile`). */
  openMedia(raw: WAMessage, info: MediaInfo): Promise<Readable>;
}

export interface MappedMessage {
  event: MessageReceived;
  raw: WAMessage;
}

export interface Identity {
  jid: string;
  phone: string | null;
  lid: string | null;
}

// proto.WebMessageInfo.Status: ERROR, PENDING, SERVER_ACK, DELIVERY_ACK, READ, PLAYED (read).
const STATUS_BY_CODE: Record<number, DeliveryStatus | null> = { 0: 'failed', 1: 'pending', 2: 'sent', 3: 'delivered', 4: 'read', 5: normalizeStatus('played') };

/** proto.WebMessageInfo.Status (number or its name in JSON) → our delivery status. */
export function deliveryStatusOf(status: unknown): DeliveryStatus | null {
  if (typeof status === 'number') return STATUS_BY_CODE[status] ?? null;
  if (typeof status === 'string') {
    const code = (proto.WebMessageInfo.Status as unknown as Record<string, number>)[status];
    return code === undefined ? null : (STATUS_BY_CODE[code] ?? null);
  }
  return null;
}

/** Decryption failure placeholder (number live, enum name in recorded JSON). */
function isCiphertextStub(stub: unknown): boolean {
  return stub === proto.WebMessageInfo.StubType.CIPHERTEXT || stub === 'CIPHERTEXT';
}

/** Latest instant a WhatsApp timestamp may name (year 9999): beyond it a Date is invalid or absurd. */
const MAX_SECONDS = 253_402_300_799;

function secondsToDate(v: unknown, now: () => Date): Date {
  const n = toNumber(v);
  return n && n > 0 && n <= MAX_SECONDS ? new Date(n * 1000) : now();
}

const list = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : []);
/** Columns holding ids and JIDs are 255 characters: anything longer is not from WhatsApp. */
const MAX_ID = 255;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID && !v.includes('\u0000');

export function createBaileysAdapter(deps: AdapterDeps) {
  /** Resolves a user JID plus its alternate (PN ↔ LID) to phone and LID, learning the pair. */
  const identify = (jid: string | null | undefined, alt?: string | null): Identity | null => {
    if (!isId(jid)) return null;
    let phone = phoneOfJid(jid) ?? phoneOfJid(alt);
    let lid = lidOfJid(jid) ?? lidOfJid(alt);
    if (lid && phone) deps.lids.remember(lid, phone);
    else if (lid) phone = deps.lids.phoneOf(lid);
    else if (phone) lid = deps.lids.lidOf(phone);
    return { jid: normalizeJid(jid), phone, lid };
  };

  const participantOf = (p: unknown): GroupParticipant | null => {
    if (typeof p === 'string') {
      const who = identify(p);
      return who ? { jid: who.jid, phone: who.phone, lid: who.lid, admin: null } : null;
    }
    if (!p || typeof p !== 'object') return null;
    const o = p as { id?: string; lid?: string; phoneNumber?: string; admin?: string | null; name?: string; notify?: string };
    const main = o.id ?? o.phoneNumber ?? o.lid;
    const who = identify(main, jidKind(main) === 'lid' ? o.phoneNumber : (o.lid ?? o.phoneNumber));
    if (!who) return null;
    const admin = o.admin === 'admin' || o.admin === 'superadmin' ? o.admin : null;
    return { jid: who.jid, phone: who.phone, lid: who.lid, admin, name: str(o.notify) ?? str(o.name) };
  };

  const groupInfo = (g: Partial<BaileysEventMap['groups.upsert'][number]> & { id: string }): GroupInfo => ({
    jid: g.id,
    subject: str(g.subject),
    subjectTime: g.subjectTime ? secondsToDate(g.subjectTime, deps.now) : null,
    description: str(g.desc),
    creation: g.creation ? secondsToDate(g.creation, deps.now) : null,
    ownerPhone: identify(g.owner, g.ownerPn)?.phone ?? null,
    size: toNumber(g.size) ?? (Array.isArray(g.participants) ? g.participants.length : null),
    participants: Array.isArray(g.participants) ? g.participants.map(participantOf).filter((p): p is GroupParticipant => p !== null) : undefined,
  });

  /** One WAMessage → its normalized event, or null for plumbing and what is not a chat message. */
  const mapMessage = (raw: WAMessage, upsertType: MessageReceived['upsertType']): MappedMessage | null => {
    const key = raw.key;
    if (!isId(key.id) || !isId(key.remoteJid)) return null;
    const kind = jidKind(key.remoteJid);
    if (kind !== 'pn' && kind !== 'lid' && kind !== 'group') return null;
    const isGroup = kind === 'group';
    const fromMe = key.fromMe === true;
    let content: ReturnType<typeof classifyContent>;
    try {
      content = classifyContent(raw.message);
    } catch {
      // A shape we cannot read is still a message someone sent: logged as 'unknown', not lost.
      content = { messageType: 'unknown', body: null, media: null, quotedId: null, skip: false, extra: { unreadable: true } };
    }
    if (content.skip) return null;
    const self = deps.self();
    const peer = isGroup ? null : identify(key.remoteJid, key.remoteJidAlt);
    const participant = isGroup && !fromMe ? identify(key.participant, key.participantAlt) : null;
    const sender = fromMe ? { phone: self.phone, lid: self.lid } : isGroup ? participant : peer;
    const media = content.media;
    return {
      raw,
      event: {
        type: 'message',
        platform: 'baileys',
        messageId: key.id,
        chatJid: isGroup ? key.remoteJid : peer!.jid,
        isGroup,
        senderPhone: sender?.phone ?? null,
        senderLid: sender?.lid ?? null,
        peerPhone: peer?.phone ?? null,
        peerLid: peer?.lid ?? null,
        senderName: fromMe ? null : cleanDisplayName(str(raw.pushName)),
        fromMe,
        timestamp: secondsToDate(raw.messageTimestamp, deps.now),
        messageType: content.messageType,
        body: content.body,
        quotedId: content.quotedId,
        media: media
          ? {
              kind: media.kind,
              mimetype: media.mimetype,
              fileName: media.fileName,
              declaredSize: media.declaredSize,
              expectedSha256: media.expectedSha256,
              retryInfo: media.retryInfo,
              open: () => deps.openMedia(raw, media),
            }
          : null,
        upsertType,
        businessNumberId: self.phone,
        extra: content.extra,
      },
    };
  };

  return {
    identify,

    /** `messages.upsert` → one MessageReceived per loggable message; decryption failures counted. */
    messagesUpsert(data: BaileysEventMap['messages.upsert']): { messages: MappedMessage[]; decryptFailures: number } {
      const out: MappedMessage[] = [];
      let decryptFailures = 0;
      const upsertType = data?.type === 'notify' ? 'notify' : 'append';
      for (const raw of list(data?.messages)) {
        if (!raw || typeof raw !== 'object' || !raw.key || typeof raw.key !== 'object') continue;
        if (isCiphertextStub(raw.messageStubType)) {
          // Baileys retries decryption and redelivers with the same id: logging now would block it.
          decryptFailures++;
          continue;
        }
        const mapped = mapMessage(raw, upsertType);
        if (mapped) out.push(mapped);
      }
      return { messages: out, decryptFailures };
    },

    /** `messages.update`: 1:1 delivery/read receipts (and our own sends' server acks). */
    messagesUpdate(data: BaileysEventMap['messages.update']): ReceiptUpdated[] {
      const out: ReceiptUpdated[] = [];
      for (const u of list(data)) {
        const status = deliveryStatusOf(u?.update?.status);
        if (!isId(u?.key?.id) || !status) continue;
        out.push({ type: 'receipt', platform: 'baileys', messageId: u.key.id, status, timestamp: deps.now() });
      }
      return out;
    },

    /** `message-receipt.update`: per-participant receipts (groups, and some 1:1 read receipts). */
    messageReceipts(data: BaileysEventMap['message-receipt.update']): ReceiptUpdated[] {
      const out: ReceiptUpdated[] = [];
      for (const r of list(data)) {
        if (!isId(r?.key?.id) || !r.receipt || typeof r.receipt !== 'object') continue;
        const { readTimestamp, playedTimestamp, receiptTimestamp } = r.receipt;
        const status: DeliveryStatus | null = readTimestamp || playedTimestamp ? 'read' : receiptTimestamp ? 'delivered' : null;
        if (!status) continue;
        const at = readTimestamp ?? playedTimestamp ?? receiptTimestamp;
        out.push({
          type: 'receipt',
          platform: 'baileys',
          messageId: r.key.id,
          status,
          timestamp: secondsToDate(at, deps.now),
          participantPhone: identify(r.receipt.userJid)?.phone ?? null,
        });
      }
      return out;
    },

    groupsUpsert(data: BaileysEventMap['groups.upsert'], fullSync = false): GroupUpserted {
      return { type: 'group.upsert', fullSync, groups: list(data).filter((g) => isId(g?.id)).map(groupInfo), timestamp: deps.now() };
    },

    groupsUpdate(data: BaileysEventMap['groups.update']): GroupUpdated[] {
      return list(data)
        .filter((g): g is typeof g & { id: string } => isId(g?.id) && (g.subject !== undefined || g.desc !== undefined))
        .map((g) => ({
          type: 'group.update',
          jid: g.id,
          subject: g.subject === undefined ? undefined : str(g.subject),
          description: g.desc === undefined ? undefined : str(g.desc),
          timestamp: g.subjectTime ? secondsToDate(g.subjectTime, deps.now) : deps.now(),
        }));
    },

    groupParticipants(data: BaileysEventMap['group-participants.update']): GroupParticipantsChanged | null {
      if (!isId(data?.id) || !Array.isArray(data.participants)) return null;
      const action = data.action;
      if (!['add', 'remove', 'promote', 'demote', 'modify'].includes(action)) return null;
      const author = identify(data.author, data.authorPn);
      return {
        type: 'group.participants',
        jid: data.id,
        action: action as GroupParticipantsChanged['action'],
        author: author?.phone ?? author?.jid ?? null,
        participants: (data.participants as unknown[]).map(participantOf).filter((p): p is GroupParticipant => p !== null),
        timestamp: deps.now(),
      };
    },

    contactsUpsert(data: BaileysEventMap['contacts.upsert']): ContactUpserted[] {
      const out: ContactUpserted[] = [];
      for (const c of list(data)) {
        const who = identify(c?.id, jidKind(c?.id) === 'lid' ? c?.phoneNumber : c?.lid);
        if (!who || (!who.phone && !who.lid)) continue;
        out.push({ type: 'contact', phone: who.phone, lid: who.lid, name: str(c.notify) ?? str(c.name), timestamp: deps.now() });
      }
      return out;
    },

    lidMapping(data: BaileysEventMap['lid-mapping.update']): ContactUpserted[] {
      const who = identify(data?.lid, data?.pn);
      return who?.phone && who.lid ? [{ type: 'contact', phone: who.phone, lid: who.lid, timestamp: deps.now() }] : [];
    },
  };
}

export type BaileysAdapter = ReturnType<typeof createBaileysAdapter>;
