import type { Readable } from 'node:stream';
import type { MediaKind, MediaRef, MessageReceived, MessageType, ReceiptUpdated } from '../../transport/events.ts';
import type { MetaContact, MetaInboundMessage, MetaMedia, MetaStatus } from './payload.ts';

/**
 * Pure mapping of one Cloud API message or status into the normalized events the Baileys adapter
 * also produces, so the ingest pipeline treats both platforms alike. Cloud API chats are always
 * 1:1; the chat JID uses the same `<digits>@s.whatsapp.net` form as Baileys so a customer who
 * writes on both platforms lands in one conversation.
 */

export interface MapContext {
  /** Opens a Graph API media id as a stream (GET /{id} → url → GET url with the bearer token). */
  openMedia(mediaId: string): Promise<Readable>;
  /** Fallback when a payload has no usable timestamp. */
  now(): Date;
}

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

export function toDate(seconds: unknown, now: () => Date): Date {
  const n = typeof seconds === 'string' ? Number(seconds) : typeof seconds === 'number' ? seconds : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : now();
}

/** Meta's `sha256` arrives as hex in some API versions and base64 in others; keep hex or nothing. */
export function normalizeSha256(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  if (/^[0-9a-f]{64}$/i.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(value) ? bytes.toString('hex') : null;
}

const digitsOnly = (v: unknown): string | null => (typeof v === 'string' && /^\d{6,20}$/.test(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

function mediaRef(kind: MediaKind, media: MetaMedia, ctx: MapContext): MediaRef | null {
  const id = str(media.id);
  if (!id) return null;
  return {
    kind,
    mimetype: str(media.mime_type),
    fileName: str(media.filename),
    declaredSize: null,
    expectedSha256: normalizeSha256(media.sha256),
    open: () => ctx.openMedia(id),
    retryInfo: { graphMediaId: id },
  };
}

interface Content {
  messageType: MessageType;
  body: string | null;
  media?: MediaRef | null;
  extra?: Record<string, unknown>;
}

function contentOf(msg: MetaInboundMessage, ctx: MapContext): Content {
  const type = msg.type ?? 'unknown';
  if (type === 'text') return { messageType: 'text', body: str(msg.text?.body) };
  if ((MEDIA_KINDS as readonly string[]).includes(type)) {
    const kind = type as MediaKind;
    const media = (msg[kind] ?? {}) as MetaMedia;
    const extra: Record<string, unknown> = {};
    if (media.voice) extra.voice = true;
    if (media.animated) extra.animated = true;
    return { messageType: kind, body: str(media.caption), media: mediaRef(kind, media, ctx), extra };
  }
  if (type === 'interactive') {
    const it = msg.interactive ?? {};
    if (it.button_reply) {
      return { messageType: 'interactive', body: str(it.button_reply.title), extra: { replyType: 'button_reply', replyId: str(it.button_reply.id) } };
    }
    if (it.list_reply) {
      return {
        messageType: 'interactive',
        body: str(it.list_reply.title),
        extra: { replyType: 'list_reply', replyId: str(it.list_reply.id), description: str(it.list_reply.description) },
      };
    }
    if (it.nfm_reply) {
      return { messageType: 'interactive', body: str(it.nfm_reply.body), extra: { replyType: 'nfm_reply', response: str(it.nfm_reply.response_json) } };
    }
    return { messageType: 'interactive', body: null, extra: { replyType: str(it.type) } };
  }
  if (type === 'button') {
    // Quick-reply button of a template message: `payload` is what the template defined.
    return { messageType: 'button', body: str(msg.button?.text), extra: { replyType: 'button', replyId: str(msg.button?.payload) } };
  }
  if (type === 'reaction') {
    const emoji = str(msg.reaction?.emoji);
    // An empty emoji means the customer removed their reaction.
    return { messageType: 'reaction', body: emoji, extra: { reactionTo: str(msg.reaction?.message_id), emoji, removed: !emoji } };
  }
  if (type === 'location') {
    const l = msg.location ?? {};
    const label = [str(l.name), str(l.address)].filter(Boolean).join(', ');
    return {
      messageType: 'location',
      body: label || (typeof l.latitude === 'number' && typeof l.longitude === 'number' ? `${l.latitude},${l.longitude}` : null),
      extra: { latitude: l.latitude ?? null, longitude: l.longitude ?? null, name: str(l.name), address: str(l.address), url: str(l.url) },
    };
  }
  if (type === 'contacts') {
    const cards = (msg.contacts ?? []).map((c) => ({
      name: str(c.name?.formatted_name),
      phones: (c.phones ?? []).map((ph) => str(ph.wa_id) ?? str(ph.phone)).filter(Boolean),
    }));
    return { messageType: 'contact', body: cards.map((c) => c.name).filter(Boolean).join(', ') || null, extra: { contacts: cards } };
  }
  if (type === 'system') {
    return { messageType: 'system', body: str(msg.system?.body), extra: { systemType: str(msg.system?.type), newWaId: str(msg.system?.new_wa_id) } };
  }
  // `unsupported`, `order`, `request_welcome`…: logged so nothing is lost, never answered as text.
  return { messageType: 'unknown', body: null, extra: { metaType: type, errors: msg.errors ?? null } };
}

/** One inbound Cloud API message → MessageReceived; null (with a reason) when it lacks id or sender. */
export function mapInboundMessage(
  msg: MetaInboundMessage,
  contacts: MetaContact[],
  ctx: MapContext,
): { event: MessageReceived } | { skipped: string } {
  const id = str(msg.id);
  const from = digitsOnly(msg.from);
  if (!id) return { skipped: 'message without id' };
  if (!from) return { skipped: `message ${id} without a sender phone` };
  const contact = contacts.find((c) => c.wa_id === from) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const content = contentOf(msg, ctx);
  const extra: Record<string, unknown> = { ...(content.extra ?? {}) };
  if (msg.context?.forwarded) extra.forwarded = true;
  if (msg.referral) extra.referral = msg.referral;
  return {
    event: {
      type: 'message',
      platform: 'meta_cloud',
      messageId: id,
      chatJid: `${from}@s.whatsapp.net`,
      isGroup: false,
      senderPhone: from,
      peerPhone: from,
      senderName: str(contact?.profile?.name),
      fromMe: false,
      timestamp: toDate(msg.timestamp, ctx.now),
      messageType: content.messageType,
      body: content.body,
      quotedId: str(msg.context?.id),
      media: content.media ?? null,
      upsertType: 'notify',
      extra: Object.keys(extra).length ? extra : undefined,
    },
  };
}

const RECEIPT_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

/** One Cloud API status → ReceiptUpdated; null for statuses MarIADono does not track (e.g. `deleted`). */
export function mapStatus(st: MetaStatus, now: () => Date): { event: ReceiptUpdated } | { skipped: string } {
  const id = str(st.id);
  if (!id) return { skipped: 'status without message id' };
  const status = (RECEIPT_STATUSES as readonly string[]).includes(st.status ?? '') ? (st.status as ReceiptUpdated['status']) : null;
  if (!status) return { skipped: `status "${String(st.status)}" of ${id} not tracked` };
  const err = st.errors?.[0];
  return {
    event: {
      type: 'receipt',
      platform: 'meta_cloud',
      messageId: id,
      status,
      timestamp: toDate(st.timestamp, now),
      participantPhone: null,
      error: err ? { code: err.code, title: str(err.title) ?? str(err.message) ?? undefined } : null,
    },
  };
}
