import { randomBytes } from 'node:crypto';
import { signBody } from '../../src/modules/meta/signature.ts';

/**
 * Builders of real-shaped WhatsApp Cloud API webhook payloads (as Meta documents and sends them)
 * and a signer, for webhook and processor tests and the benchmark.
 */

export const TEST_APP_SECRET = 'test-app-secret-0123456789';
export const TEST_VERIFY_TOKEN = 'verify-me-please';
export const TEST_PHONE_NUMBER_ID = '106540352242922';
export const TEST_WABA_ID = '102290129340398';

let seq = 0;
export const wamid = (): string => `wamid.HBgL${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(6).toString('hex')}`.toUpperCase();
const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

export interface Signed {
  payload: string;
  headers: Record<string, string>;
}

/** Serializes once and signs those exact bytes, as Meta does. */
export function sign(body: unknown, secret = TEST_APP_SECRET): Signed {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return { payload, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(payload, secret) } };
}

export type Change = { field: string; value: Record<string, unknown> };

export function envelope(changes: Change[], opts: { wabaId?: string; time?: number } = {}): Record<string, unknown> {
  return multiEntry([changes], opts);
}

export function multiEntry(entries: Change[][], opts: { wabaId?: string; time?: number } = {}): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: entries.map((changes) => ({ id: opts.wabaId ?? TEST_WABA_ID, time: opts.time ?? Math.floor(Date.now() / 1000), changes })),
  };
}

export function messagesChange(opts: {
  messages?: Array<Record<string, unknown>>;
  statuses?: Array<Record<string, unknown>>;
  contacts?: Array<{ wa_id: string; name?: string }>;
}): Change {
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001234', phone_number_id: TEST_PHONE_NUMBER_ID },
  };
  if (opts.contacts) value.contacts = opts.contacts.map((c) => ({ profile: { name: c.name ?? 'Cliente' }, wa_id: c.wa_id }));
  if (opts.messages) value.messages = opts.messages;
  if (opts.statuses) value.statuses = opts.statuses;
  return { field: 'messages', value };
}

type Base = { from?: string; id?: string; timestamp?: string; context?: { id: string; from?: string } };
const base = (o: Base, type: string) => ({
  from: o.from ?? '34600000001',
  id: o.id ?? wamid(),
  timestamp: o.timestamp ?? nowSeconds(),
  type,
  ...(o.context ? { context: { from: o.context.from ?? '15550001234', id: o.context.id } } : {}),
});

export const textMessage = (o: Base & { body?: string } = {}) => ({ ...base(o, 'text'), text: { body: o.body ?? 'Hola, quiero información' } });

export const imageMessage = (o: Base & { mediaId: string; mime?: string; sha256?: string; caption?: string }) => ({
  ...base(o, 'image'),
  image: { id: o.mediaId, mime_type: o.mime ?? 'image/jpeg', sha256: o.sha256 ?? '', ...(o.caption ? { caption: o.caption } : {}) },
});

export const documentMessage = (o: Base & { mediaId: string; filename: string; mime?: string }) => ({
  ...base(o, 'document'),
  document: { id: o.mediaId, filename: o.filename, mime_type: o.mime ?? 'application/pdf', sha256: '' },
});

export const buttonReply = (o: Base & { replyId: string; title: string }) => ({
  ...base(o, 'interactive'),
  interactive: { type: 'button_reply', button_reply: { id: o.replyId, title: o.title } },
});

export const listReply = (o: Base & { replyId: string; title: string; description?: string }) => ({
  ...base(o, 'interactive'),
  interactive: { type: 'list_reply', list_reply: { id: o.replyId, title: o.title, description: o.description } },
});

export const templateButton = (o: Base & { payload: string; text: string }) => ({ ...base(o, 'button'), button: { payload: o.payload, text: o.text } });

export const reaction = (o: Base & { to: string; emoji?: string }) => ({ ...base(o, 'reaction'), reaction: { message_id: o.to, emoji: o.emoji ?? '' } });

export const locationMessage = (o: Base & { latitude: number; longitude: number; name?: string; address?: string }) => ({
  ...base(o, 'location'),
  location: { latitude: o.latitude, longitude: o.longitude, name: o.name, address: o.address },
});

export function statusUpdate(o: {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'deleted';
  recipient?: string;
  timestamp?: string;
  error?: { code: number; title: string };
}): Record<string, unknown> {
  return {
    id: o.id,
    status: o.status,
    timestamp: o.timestamp ?? nowSeconds(),
    recipient_id: o.recipient ?? '34600000001',
    ...(o.status === 'sent' ? { conversation: { id: 'conv1', origin: { type: 'marketing' } }, pricing: { billable: true, category: 'marketing' } } : {}),
    ...(o.error ? { errors: [{ code: o.error.code, title: o.error.title, message: o.error.title, error_data: { details: o.error.title } }] } : {}),
  };
}

export function templateStatusChange(o: { event: string; id?: string | number; name?: string; language?: string; reason?: string }): Change {
  return {
    field: 'message_template_status_update',
    value: {
      event: o.event,
      message_template_id: o.id ?? 987654321,
      message_template_name: o.name ?? 'promo_verano',
      message_template_language: o.language ?? 'es_ES',
      reason: o.reason ?? 'NONE',
    },
  };
}
