import type { Reply } from './types.ts';
import { mediaReply } from './flow-media.ts';

/**
 * What a BuilderBot flow step sends (`provider.sendMessage(to, text, ctxMessage)`) as our Reply,
 * for both platforms. `flowDynamic([{ body, buttons: [{ id, body }] }])` becomes a `buttons`
 * reply (real reply buttons on the Cloud API, numbered options on Baileys); a `media` path an
 * image or document; anything else text.
 */
export function flowReply(text: string, options: Record<string, unknown> | undefined): Reply {
  const o = { ...options, ...((options?.options as Record<string, unknown> | undefined) ?? {}) };
  const buttons = Array.isArray(o.buttons) ? (o.buttons as Array<{ id?: unknown; body?: unknown }>) : [];
  if (buttons.length) {
    return { kind: 'buttons', text, buttons: buttons.map((b, i) => ({ id: String(b.id ?? i + 1), title: String(b.body ?? '') })) };
  }
  if (typeof o.media === 'string' && o.media) return mediaReply(o.media, text);
  return { kind: 'text', text };
}
