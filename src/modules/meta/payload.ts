/**
 * The shapes of the WhatsApp Business Account webhook (Graph API v17–v24) that MarIADono reads.
 * Only the fields used are typed; everything arrives as untrusted JSON, so the mapper checks
 * each field before using it.
 */

export interface MetaWebhookBody {
  object?: string;
  entry?: MetaEntry[];
}

export interface MetaEntry {
  /** The WhatsApp Business Account id. */
  id?: string;
  time?: number;
  changes?: MetaChange[];
}

export interface MetaChange {
  field?: string;
  value?: Record<string, unknown>;
}

export interface MetaContact {
  wa_id?: string;
  profile?: { name?: string };
}

export interface MetaMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface MetaInboundMessage {
  id?: string;
  from?: string;
  timestamp?: string;
  type?: string;
  context?: { id?: string; from?: string; forwarded?: boolean };
  text?: { body?: string };
  image?: MetaMedia;
  video?: MetaMedia;
  audio?: MetaMedia;
  document?: MetaMedia;
  sticker?: MetaMedia;
  reaction?: { message_id?: string; emoji?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
    nfm_reply?: { name?: string; body?: string; response_json?: string };
  };
  button?: { payload?: string; text?: string };
  contacts?: Array<{ name?: { formatted_name?: string }; phones?: Array<{ phone?: string; wa_id?: string }> }>;
  system?: { body?: string; type?: string; wa_id?: string; new_wa_id?: string };
  referral?: Record<string, unknown>;
  errors?: Array<{ code?: number; title?: string }>;
}

export interface MetaStatus {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
  conversation?: Record<string, unknown>;
  pricing?: Record<string, unknown>;
  biz_opaque_callback_data?: string;
}

export interface MetaTemplateStatusUpdate {
  event?: string;
  message_template_id?: number | string;
  message_template_name?: string;
  message_template_language?: string;
  reason?: string | null;
  other_info?: { title?: string; description?: string };
  /** `template_category_update` only: Meta moved the template to another category. */
  previous_category?: string;
  new_category?: string;
}

/** The object every WhatsApp webhook carries; anything else is not for us. */
export const WHATSAPP_OBJECT = 'whatsapp_business_account';

/** Fields whose changes MarIADono processes; other subscribed fields are acknowledged and ignored. */
export const HANDLED_FIELDS = ['messages', 'message_template_status_update', 'template_category_update'] as const;

/**
 * Text every database accepts: PostgreSQL refuses NUL characters (in text and jsonb) and lone
 * UTF-16 surrogates (jsonb), and MikroORM inlines parameters into the SQL text, where a NUL ends
 * the statement on SQLite. Neither ever carries meaning in a WhatsApp message.
 */
export const storableText = (s: string): string => s.replace(/\u0000/g, '\ufffd').toWellFormed();

/**
 * Parses a verified webhook body into storable JSON (strings and keys cleaned with storableText).
 * Throws SyntaxError (or RangeError for absurd nesting) like JSON.parse.
 */
export function parseWebhookBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  // Both can only come from \u escapes (invalid UTF-8 bytes already decode to U+FFFD): without
  // one, the plain parse is ~7× cheaper than walking every value.
  if (!/\\u(0000|d[89a-f])/i.test(text)) return JSON.parse(text);
  return JSON.parse(text, function clean(_key, value: unknown) {
    if (typeof value === 'string') return storableText(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.some((k) => storableText(k) !== k)) {
        return Object.fromEntries(keys.map((k) => [storableText(k), (value as Record<string, unknown>)[k]]));
      }
    }
    return value;
  });
}
