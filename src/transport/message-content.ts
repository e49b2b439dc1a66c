import { getContentType, normalizeMessageContent, type proto } from '@whiskeysockets/baileys';
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

const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

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
    if (!m) continue;
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
      quoted: str(m.contextInfo?.stanzaId),
    };
  }
  return null;
}

/** Classifies `message`; unknown shapes become type 'unknown' with no body (still logged). */
export function classifyContent(message: Msg | null | undefined): ContentInfo {
  const content = normalizeMessageContent(message ?? undefined);
  const none: ContentInfo = { messageType: 'unknown', body: null, media: null, quotedId: null, skip: true };
  if (!content) return none;
  const media = mediaOf(content);
  if (media) {
    return { messageType: media.info.kind, body: media.caption, media: media.info, quotedId: media.quoted, skip: false };
  }
  const type = getContentType(content);
  const base = { media: null, quotedId: null, skip: false } as const;
  switch (type) {
    case 'conversation':
      return { ...base, messageType: 'text', body: str(content.conversation) };
    case 'extendedTextMessage':
      return {
        ...base,
        messageType: 'text',
        body: str(content.extendedTextMessage?.text),
        quotedId: str(content.extendedTextMessage?.contextInfo?.stanzaId),
      };
    case 'reactionMessage':
      return {
        ...base,
        messageType: 'reaction',
        body: str(content.reactionMessage?.text),
        extra: { targetId: content.reactionMessage?.key?.id ?? null },
      };
    case 'locationMessage':
    case 'liveLocationMessage': {
      const loc = (content.locationMessage ?? content.liveLocationMessage) as proto.Message.ILocationMessage;
      const lat = loc.degreesLatitude ?? null;
      const lng = loc.degreesLongitude ?? null;
      return { ...base, messageType: 'location', body: str(loc.name) ?? str(loc.address) ?? (lat !== null ? `${lat},${lng}` : null), extra: { lat, lng } };
    }
    case 'contactMessage':
      return { ...base, messageType: 'contact', body: str(content.contactMessage?.displayName) };
    case 'contactsArrayMessage':
      return { ...base, messageType: 'contact', body: str(content.contactsArrayMessage?.displayName) };
    case 'pollCreationMessage':
    case 'pollCreationMessageV2':
    case 'pollCreationMessageV3': {
      const poll = (content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3)!;
      return { ...base, messageType: 'poll', body: str(poll.name) };
    }
    case 'pollUpdateMessage':
      return { ...base, messageType: 'poll', body: null };
    case 'buttonsResponseMessage':
      return { ...base, messageType: 'button', body: str(content.buttonsResponseMessage?.selectedDisplayText), extra: { id: content.buttonsResponseMessage?.selectedButtonId ?? null } };
    case 'templateButtonReplyMessage':
      return { ...base, messageType: 'button', body: str(content.templateButtonReplyMessage?.selectedDisplayText), extra: { id: content.templateButtonReplyMessage?.selectedId ?? null } };
    case 'listResponseMessage':
      return { ...base, messageType: 'interactive', body: str(content.listResponseMessage?.title), extra: { id: content.listResponseMessage?.singleSelectReply?.selectedRowId ?? null } };
    case 'interactiveResponseMessage':
      return { ...base, messageType: 'interactive', body: str(content.interactiveResponseMessage?.body?.text) };
    case 'protocolMessage':
    case 'senderKeyDistributionMessage':
    case 'messageContextInfo':
    case undefined:
      return none;
    default:
      return { ...base, messageType: 'unknown', body: null, extra: { contentType: type } };
  }
}
