import { getContentType, normalizeMessageContent, proto } from '@whiskeysockets/baileys';
import type { MediaKind, MessageType } from './events.ts';

/**
 * Classifies a Baileys message body (the `message` field of a WAMessage) into our message type,
 * text/caption and media descriptor. Works on live protobuf objects and on their JSON form
 * (replay files), where bytes are base64 strings and longs are numbers or strings.
 */

export interface MediaInfo {
  kind: MediaKind;
  mimetype: string | null;
  fileName: string | null;
  declaredSize: number | null;
  expectedSha256: string | null;
  retryInfo: Record<string, unknown>;
}

export interface ContentInfo {
  messageType: MessageType;
  body: string | null;
  media: MediaInfo | null;
  quotedId: string | null;
  extra?: Record<string, unknown>;
  /** Protocol plumbing (edits, revokes, key distribution): not a message a person wrote. */
  skip: boolean;
}

type Msg = proto.IMessage;

/**
 * A non-empty string, without NUL characters: neither database stores them (SQLite cuts the
 * statement there, PostgreSQL rejects them), and a message that cannot be stored is lost.
 */
export const str = (v: unknown): string | null => {
  if (typeof v !== 'string' || !v.length) return null;
  return v.includes('\u0000') ? v.replaceAll('\u0000', '') || null : v;
};
/** A nested message field as an object: recorded or malformed events may hold null or a scalar. */
const obj = <T extends object>(v: T | null | undefined): Partial<T> => (v && typeof v === 'object' ? v : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Long | number | string → number (sizes, timestamps). */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : null;
  if (typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return null;
}

/** Uint8Array (live) or base64 string (JSON) → hex; null when absent or not 32 bytes. */
export function bytesToHex(v: unknown, expectLength = 32): string | null {
  let buf: Buffer | null = null;
  if (v instanceof Uint8Array) buf = Buffer.from(v);
  else if (typeof v === 'string' && v.length) {
    if (/^[0-9a-f]{64}$/i.test(v) && expectLength === 32) return v.toLowerCase();
    buf = Buffer.from(v, 'base64');
  }
  return buf && buf.length === expectLength ? buf.toString('hex') : null;
}

const bytesToBase64 = (v: unknown): string | null =>
  v instanceof Uint8Array ? Buffer.from(v).toString('base64') : str(v);

const MEDIA_FIELDS: ReadonlyArray<[keyof Msg, MediaKind]> = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
];

function mediaOf(content: Msg): { info: MediaInfo; caption: string | null; quoted: string | null } | null {
  for (const [field, kind] of MEDIA_FIELDS) {
    const m = content[field] as proto.Message.IDocumentMessage | null | undefined;
    if (!m || typeof m !== 'object') continue;
    return {
      info: {
        kind,
        mimetype: str(m.mimetype),
        fileName: kind === 'document' ? str(m.fileName) : null,
        declaredSize: toNumber(m.fileLength),
        expectedSha256: bytesToHex(m.fileSha256),
        retryInfo: {
          field,
          directPath: str(m.directPath),
          url: str(m.url),
          mediaKey: bytesToBase64(m.mediaKey),
          fileEncSha256: bytesToBase64(m.fileEncSha256),
        },
      },
      caption: str((m as { caption?: unknown }).caption),
      quoted: str(obj(m.contextInfo).stanzaId),
    };
  }
  return null;
}

const PROTOCOL = proto.Message.ProtocolMessage.Type;
const PROTOCOL_ACTIONS: Record<string, 'edit' | 'revoke'> = {
  [PROTOCOL.MESSAGE_EDIT]: 'edit',
  MESSAGE_EDIT: 'edit',
  [PROTOCOL.REVOKE]: 'revoke',
  REVOKE: 'revoke',
};

/**
 * Edits and "delete for everyone" arrive as protocol messages with their own id, naming the
 * message they change: logged as `system` rows (the conversation's history), never answered.
 * Other protocol messages (key shares, history sync, disappearing-mode settings) are plumbing.
 */
function protocolContent(p: proto.Message.IProtocolMessage): ContentInfo | null {
  // protobuf's JSON form omits the default enum value: a recorded revoke has a key but no type.
  const action = PROTOCOL_ACTIONS[String(p.type ?? (p.key ? PROTOCOL.REVOKE : ''))];
  if (!action || !p.key || typeof p.key !== 'object') return null;
  const body = action === 'edit' && p.editedMessage && typeof p.editedMessage === 'object' ? classifyContent(p.editedMessage).body : null;
  return { messageType: 'system', body, media: null, quotedId: null, skip: false, extra: { action, targetId: str(obj(p.key).id) } };
}

/** Classifies `message`; unknown shapes become type 'unknown' with no body (still logged). */
export function classifyContent(message: Msg | null | undefined): ContentInfo {
  const none: ContentInfo = { messageType: 'unknown', body: null, media: null, quotedId: null, skip: true };
  if (!message || typeof message !== 'object') return none;
  const content = normalizeMessageContent(message);
  if (!content || typeof content !== 'object') return none;
  const media = mediaOf(content);
  if (media) {
    return { messageType: media.info.kind, body: media.caption, media: media.info, quotedId: media.quoted, skip: false };
  }
  const type = getContentType(content);
  const base = { media: null, quotedId: null, skip: false } as const;
  switch (type) {
    case 'conversation':
      return { ...base, messageType: 'text', body: str(content.conversation) };
    case 'extendedTextMessage': {
      const m = obj(content.extendedTextMessage);
      return { ...base, messageType: 'text', body: str(m.text), quotedId: str(obj(m.contextInfo).stanzaId) };
    }
    case 'reactionMessage': {
      const m = obj(content.reactionMessage);
      return { ...base, messageType: 'reaction', body: str(m.text), extra: { targetId: str(obj(m.key).id) } };
    }
    case 'locationMessage':
    case 'liveLocationMessage': {
      const loc = obj((content.locationMessage ?? content.liveLocationMessage) as proto.Message.ILocationMessage | null);
      const lat = num(loc.degreesLatitude);
      const lng = num(loc.degreesLongitude);
      return { ...base, messageType: 'location', body: str(loc.name) ?? str(loc.address) ?? (lat !== null && lng !== null ? `${lat},${lng}` : null), extra: { lat, lng } };
    }
    case 'contactMessage':
      return { ...base, messageType: 'contact', body: str(obj(content.contactMessage).displayName) };
    case 'contactsArrayMessage':
      return { ...base, messageType: 'contact', body: str(obj(content.contactsArrayMessage).displayName) };
    case 'pollCreationMessage':
    case 'pollCreationMessageV2':
    case 'pollCreationMessageV3': {
      const poll = obj(content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3);
      return { ...base, messageType: 'poll', body: str(poll.name) };
    }
    case 'pollUpdateMessage':
      return { ...base, messageType: 'poll', body: null };
    case 'buttonsResponseMessage': {
      const m = obj(content.buttonsResponseMessage);
      return { ...base, messageType: 'button', body: str(m.selectedDisplayText), extra: { id: str(m.selectedButtonId) } };
    }
    case 'templateButtonReplyMessage': {
      const m = obj(content.templateButtonReplyMessage);
      return { ...base, messageType: 'button', body: str(m.selectedDisplayText), extra: { id: str(m.selectedId) } };
    }
    case 'listResponseMessage': {
      const m = obj(content.listResponseMessage);
      return { ...base, messageType: 'interactive', body: str(m.title), extra: { id: str(obj(m.singleSelectReply).selectedRowId) } };
    }
    case 'interactiveResponseMessage':
      return { ...base, messageType: 'interactive', body: str(obj(obj(content.interactiveResponseMessage).body).text) };
    case 'protocolMessage':
      return protocolContent(obj(content.protocolMessage)) ?? none;
    case 'senderKeyDistributionMessage':
    case 'messageContextInfo':
    case undefined:
      return none;
    default:
      return { ...base, messageType: 'unknown', body: null, extra: { contentType: str(type) } };
  }
}
