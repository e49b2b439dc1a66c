import { cleanDisplayName } from '../../shared/text.ts';
import { phoneJid } from '../../transport/jid.ts';
import { normalizeStatus } from '../messaging/status-order.ts';
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
  // Meta sends seconds since the epoch; anything outside 2000–2100 is garbage that would be an
  // Invalid Date, or a year PostgreSQL refuses, and falls back to the time of processing.
  return Number.isFinite(n) && n >= 946_684_800 && n < 4_102_444_800 ? new Date(n * 1000) : now();
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
/** Ids and labels that go into length-limited columns: too long means not a real Meta value. */
const short = (v: unknown, max = 255): string | null => (typeof v === 'string' && v.length && v.length <= max ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Untrusted JSON: anything that is not a plain object reads as an empty one. */
const obj = <T extends object>(v: unknown): T => (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as T;
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function mediaRef(kind: MediaKind, media: MetaMedia, ctx: MapContext): MediaRef | null {
  const id = short(media.id);
  if (!id) return null;
  return {
    kind,
    mimetype: short(media.mime_type, 100),
    fileName: short(media.filename, 500),
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
  const type = short(msg.type, 64) ?? 'unknown';
  if (type === 'text') return { messageType: 'text', body: str(obj<{ body?: unknown }>(msg.text).body) };
  if ((MEDIA_KINDS as readonly string[]).includes(type)) {
    const kind = type as MediaKind;
    const media = obj<MetaMedia>(msg[kind]);
    const extra: Record<string, unknown> = {};
    if (media.voice) extra.voice = true;
    if (media.animated) extra.animated = true;
    return { messageType: kind, body: str(media.caption), media: mediaRef(kind, media, ctx), extra };
  }
  if (type === 'interactive') {
    const it = obj<NonNullable<MetaInboundMessage['interactive']>>(msg.interactive);
    if (it.button_reply && typeof it.button_reply === 'object') {
      return { messageType: 'interactive', body: str(it.button_reply.title), extra: { replyType: 'button_reply', replyId: str(it.button_reply.id) } };
    }
    if (it.list_reply && typeof it.list_reply === 'object') {
      return {
        messageType: 'interactive',
        body: str(it.list_reply.title),
        extra: { replyType: 'list_reply', replyId: str(it.list_reply.id), description: str(it.list_reply.description) },
      };
    }
    if (it.nfm_reply && typeof it.nfm_reply === 'object') {
      return { messageType: 'interactive', body: str(it.nfm_reply.body), extra: { replyType: 'nfm_reply', response: str(it.nfm_reply.response_json) } };
    }
    return { messageType: 'interactive', body: null, extra: { replyType: str(it.type) } };
  }
  if (type === 'button') {
    // Quick-reply button of a template message: `payload` is what the template defined.
    const button = obj<NonNullable<MetaInboundMessage['button']>>(msg.button);
    return { messageType: 'button', body: str(button.text), extra: { replyType: 'button', replyId: str(button.payload) } };
  }
  if (type === 'reaction') {
    const r = obj<NonNullable<MetaInboundMessage['reaction']>>(msg.reaction);
    const emoji = short(r.emoji, 64);
    // An empty emoji means the customer removed their reaction.
    return { messageType: 'reaction', body: emoji, extra: { reactionTo: short(r.message_id), emoji, removed: !emoji } };
  }
  if (type === 'location') {
    const l = obj<NonNullable<MetaInboundMessage['location']>>(msg.location);
    const [lat, lon] = [num(l.latitude), num(l.longitude)];
    const label = [str(l.name), str(l.address)].filter(Boolean).join(', ');
    return {
      messageType: 'location',
      body: label || (lat !== null && lon !== null ? `${lat},${lon}` : null),
      extra: { latitude: lat, longitude: lon, name: str(l.name), address: str(l.address), url: str(l.url) },
    };
  }
  if (type === 'contacts') {
    const cards = list<unknown>(msg.contacts).map(obj<NonNullable<MetaInboundMessage['contacts']>[number]>).map((c) => ({
      name: str(obj<{ formatted_name?: unknown }>(c.name).formatted_name),
      phones: list<unknown>(c.phones).map(obj<{ wa_id?: unknown; phone?: unknown }>).map((ph) => short(ph.wa_id, 32) ?? short(ph.phone, 32)).filter(Boolean),
    }));
    return { messageType: 'contact', body: cards.map((c) => c.name).filter(Boolean).join(', ') || null, extra: { contacts: cards } };
  }
  if (type === 'system') {
    const sys = obj<NonNullable<MetaInboundMessage['system']>>(msg.system);
    return { messageType: 'system', body: str(sys.body), extra: { systemType: short(sys.type, 64), newWaId: short(sys.new_wa_id, 32) } };
  }
  // `unsupported`, `order`, `request_welcome`…: logged so nothing is lost, never answered as text.
  return { messageType: 'unknown', body: null, extra: { metaType: type, errors: msg.errors ?? null } };
}

/** One inbound Cloud API message → MessageReceived; null (with a reason) when it lacks id or sender. */
export function mapInboundMessage(
  input: MetaInboundMessage,
  contactList: MetaContact[],
  ctx: MapContext,
): { event: MessageReceived } | { skipped: string } {
  const msg = obj<MetaInboundMessage>(input);
  const id = short(msg.id);
  const from = digitsOnly(msg.from);
  if (!id) return { skipped: str(msg.id) ? 'message with an invalid id (over 255 characters)' : 'message without id' };
  if (!from) return { skipped: `message ${id} without a sender phone` };
  const contacts = list<unknown>(contactList).map(obj<MetaContact>);
  const contact = contacts.find((c) => c.wa_id === from) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const content = contentOf(msg, ctx);
  const context = obj<NonNullable<MetaInboundMessage['context']>>(msg.context);
  const extra: Record<string, unknown> = { ...(content.extra ?? {}) };
  if (context.forwarded) extra.forwarded = true;
  if (msg.referral) extra.referral = msg.referral;
  return {
    event: {
      type: 'message',
      platform: 'meta_cloud',
      messageId: id,
      chatJid: phoneJid(from),
      isGroup: false,
      senderPhone: from,
      peerPhone: from,
      senderName: cleanDisplayName(short(obj<{ name?: unknown }>(contact?.profile).name)),
      fromMe: false,
      timestamp: toDate(msg.timestamp, ctx.now),
      messageType: content.messageType,
      body: content.body,
      quotedId: short(context.id),
      media: content.media ?? null,
      upsertType: 'notify',
      extra: Object.keys(extra).length ? extra : undefined,
    },
  };
}

/** One Cloud API status → ReceiptUpdated; null for statuses MarIADono does not track (e.g. `deleted`). */
export function mapStatus(input: MetaStatus, now: () => Date): { event: ReceiptUpdated } | { skipped: string } {
  const st = obj<MetaStatus>(input);
  const id = short(st.id);
  if (!id) return { skipped: str(st.id) ? 'status with an invalid message id (over 255 characters)' : 'status without message id' };
  // Meta reports sent/delivered/read/failed (and `deleted`, which is not a delivery status).
  const status = st.status === 'pending' ? null : normalizeStatus(st.status);
  if (!status) return { skipped: `status "${String(st.status).slice(0, 40)}" of ${id} not tracked` };
  const first = list<unknown>(st.errors)[0];
  const err = first && typeof first === 'object' ? (first as NonNullable<MetaStatus['errors']>[number]) : undefined;
  const code = num(err?.code) ?? short(err?.code, 50) ?? undefined;
  return {
    event: {
      type: 'receipt',
      platform: 'meta_cloud',
      messageId: id,
      status,
      timestamp: toDate(st.timestamp, now),
      participantPhone: null,
      error: err ? { code, title: short(err.title, 1000) ?? short(err.message, 1000) ?? undefined } : null,
      pricing: mapPricing(st.pricing),
    },
  };
}

/** `pricing: { category, pricing_model, billable }` → the receipt's pricing (issue 12: cost per channel). */
function mapPricing(input: unknown): ReceiptUpdated['pricing'] {
  const pr = obj<Record<string, unknown>>(input);
  const category = short(pr.category, 50);
  if (!category) return null;
  return { category, model: short(pr.pricing_model, 50) ?? undefined, billable: typeof pr.billable === 'boolean' ? pr.billable : undefined };
}
