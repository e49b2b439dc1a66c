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
      return { messageType: 'text', body: reply.text };
  }
}
