import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConnectionState, Reply, SendResult, Transport } from '../../transport/types.ts';
import { phoneJid, phoneOfJid } from '../../transport/jid.ts';
import { ValidationError } from '../../shared/errors.ts';
import { WindowClosedError } from '../messaging/customer-window.ts';
import type { GraphClient } from './graph-client.ts';

/**
 * Outbound through the WhatsApp Cloud API from one business number, behind the same Transport
 * interface as Baileys, so the outbound sender, campaigns and flows do not care which platform
 * carries a reply. Buttons and lists are real interactive messages, templates are template
 * messages; images and documents are uploaded first (/{phone-number-id}/media) and sent by id.
 *
 * Meta's 24-hour customer-service window is enforced here, before anything reaches Meta: a
 * free-form reply to a customer whose last message to this number is older than 24 hours is
 * refused (WindowClosedError; the outbound service logs it as failed with that reason). A
 * `template` reply is always allowed.
 */

export interface MetaTransportOptions {
  clock?: { now(): Date };
  /** Is the customer-service window open for this customer on this number? (default: always) */
  windowOpen?(phone: string, phoneNumberId: string | null): Promise<boolean>;
  /**
   * A reply to an inbound message is inside the window without asking: only messages younger
   * than REPLY_MAX_AGE are answered, from the number they came in on. True when REPLY_MAX_AGE
   * is well under 24 hours (see `repliesInsideWindow`).
   */
  repliesInsideWindow?: boolean;
}

/** Meta's limits on interactive messages (text is cut rather than refused by Meta with a 400). */
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function interactiveOf(reply: Extract<Reply, { kind: 'buttons' | 'list' }>): Record<string, unknown> {
  if (reply.kind === 'buttons') {
    if (!reply.buttons.length || reply.buttons.length > 3) throw new ValidationError('Un mensaje con botones lleva de 1 a 3 botones.');
    return {
      type: 'button',
      body: { text: cut(reply.text, 1024) },
      ...(reply.footer ? { footer: { text: cut(reply.footer, 60) } } : {}),
      action: { buttons: reply.buttons.map((b) => ({ type: 'reply', reply: { id: b.id.slice(0, 256), title: cut(b.title, 20) } })) },
    };
  }
  return {
    type: 'list',
    body: { text: cut(reply.text, 4096) },
    action: {
      button: cut(reply.button, 20),
      sections: reply.sections.map((s) => ({
        ...(s.title ? { title: cut(s.title, 24) } : {}),
        rows: s.rows.map((r) => ({ id: r.id.slice(0, 200), title: cut(r.title, 24), ...(r.description ? { description: cut(r.description, 72) } : {}) })),
      })),
    },
  };
}

export function createMetaTransport(graph: GraphClient, opts: MetaTransportOptions = {}): Transport {
  const clock = opts.clock ?? { now: () => new Date() };
  const state: ConnectionState = { status: graph.configured ? 'open' : 'disabled', since: clock.now().toISOString(), reconnects: 0 };

  const toOf = (jid: string): string => {
    const digits = phoneOfJid(jid);
    if (!digits) throw new ValidationError('La API de WhatsApp Cloud solo puede escribir a un número de teléfono (no a grupos ni a contactos sin número).');
    return digits;
  };

  async function bytesOf(reply: Extract<Reply, { kind: 'image' | 'document' }>): Promise<Buffer> {
    if (reply.buffer) return reply.buffer;
    if (reply.path) return readFile(reply.path);
    throw new Error('reply without buffer or path');
  }

  async function deliver(to: string, reply: Reply) {
    switch (reply.kind) {
      case 'text':
        return graph.sendText(to, reply.text);
      case 'template':
        return graph.sendTemplate(to, reply.name, reply.language, reply.components as never);
      case 'buttons':
      case 'list':
        return graph.sendInteractive(to, interactiveOf(reply));
      case 'image':
      case 'document': {
        const mime = reply.mimetype ?? (reply.kind === 'image' ? 'image/jpeg' : 'application/octet-stream');
        const fileName = reply.kind === 'document' ? reply.fileName : basename(reply.path ?? 'imagen.jpg');
        const mediaId = await graph.uploadMedia(await bytesOf(reply), mime, fileName);
        return graph.sendMedia(to, reply.kind, { id: mediaId }, { caption: reply.caption, fileName });
      }
    }
  }

  return {
    platform: 'meta_cloud',
    businessNumberId: () => graph.phoneNumberId,
    async send(jid, reply, sendOpts): Promise<SendResult> {
      const to = toOf(jid);
      const inside = reply.kind === 'template' || !opts.windowOpen || (opts.repliesInsideWindow && sendOpts?.answersInbound);
      if (!inside && !(await opts.windowOpen!(to, graph.phoneNumberId))) throw new WindowClosedError();
      try {
        const out = await deliver(to, reply);
        state.lastError = undefined;
        return { messageId: out.messageId, jid: phoneJid(to) };
      } catch (err) {
        state.lastError = (err as Error).message;
        throw err;
      }
    },
    state: () => ({ ...state }),
  };
}
