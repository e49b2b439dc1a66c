import { AppError } from '../shared/errors.ts';
import type { MessageType } from './events.ts';
import type { Reply } from './types.ts';

/** Transport-neutral helpers around `Reply` (no Baileys here: the Meta transport uses them too). */

export class TransportUnavailableError extends AppError {
  constructor() {
    super('TRANSPORT_UNAVAILABLE', 'WhatsApp no está conectado ahora mismo; el mensaje no se ha enviado. Inténtalo de nuevo en unos minutos.', 503);
  }
}

export const REDACTED_PART = '[redactado]';

function redactParts(text: string, parts: string[] | undefined): string {
  let out = text;
  for (const part of parts ?? []) if (part) out = out.replaceAll(part, REDACTED_PART);
  return out;
}

const KEYCAPS = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣'];

/** "1️⃣" … "9️⃣", then "10." …: how an option's number reads in a chat. */
export const optionNumber = (n: number): string => KEYCAPS[n] ?? `${n}.`;

/**
 * The plain-text form of an interactive reply, as Baileys sends it: the text, one numbered line
 * per option (typing the number answers it), then the footer. The Cloud API sends the real
 * interactive message instead; tests compare both platforms through this same text.
 */
export function optionsAsText(text: string, options: Array<{ title: string; description?: string }>, footer?: string): string {
  const lines = options.map((o, i) => `${optionNumber(i + 1)} ${o.title}${o.description ? ` — ${o.description}` : ''}`);
  return [text, ...lines].join('\n') + (footer ? `\n\n${footer}` : '');
}

/** What a reply says as plain text (Baileys' rendering of buttons, lists and templates). */
export function replyText(reply: Extract<Reply, { kind: 'text' | 'template' | 'buttons' | 'list' }>): string {
  switch (reply.kind) {
    case 'text':
    case 'template':
      return reply.text;
    case 'buttons':
      return optionsAsText(reply.text, reply.buttons, reply.footer);
    case 'list':
      return optionsAsText(reply.text, reply.sections.flatMap((s) => s.rows));
  }
}

/** What the conversation log keeps of a reply. */
export function describeReply(reply: Reply): { messageType: MessageType; body: string | null } {
  switch (reply.kind) {
    case 'text':
      return { messageType: 'text', body: redactParts(reply.text, reply.redact) };
    case 'image':
      return { messageType: 'image', body: reply.caption ?? null };
    case 'document':
      return { messageType: 'document', body: reply.caption ?? reply.fileName };
    case 'template':
      return { messageType: 'template', body: reply.text };
    case 'buttons':
    case 'list':
      return { messageType: 'interactive', body: replyText(reply) };
  }
}

/** The longest text one WhatsApp message carries on the Cloud API (Meta refuses longer bodies). */
export const MAX_TEXT_CHARS = 4096;

/**
 * Long text replies (a full /ayuda, a long list) split into several messages at line breaks, each
 * within MAX_TEXT_CHARS, so every platform can send them. Other replies pass through.
 */
export function splitLongTexts(replies: Reply[], max = MAX_TEXT_CHARS - 96): Reply[] {
  const out: Reply[] = [];
  for (const r of replies) {
    if (r.kind !== 'text' || r.text.length <= max) {
      out.push(r);
      continue;
    }
    let chunk = '';
    const flush = () => {
      if (chunk) out.push({ kind: 'text', text: chunk, ...(r.redact ? { redact: r.redact } : {}) });
      chunk = '';
    };
    for (const line of r.text.split('\n')) {
      for (let i = 0; i < Math.max(line.length, 1); i += max) {
        const piece = line.slice(i, i + max);
        if (chunk.length + piece.length + 1 > max) flush();
        chunk = chunk ? `${chunk}\n${piece}` : piece;
      }
    }
    flush();
  }
  return out;
}
