import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { bootCore } from '../../app.ts';
import { buildServer } from '../../http/server.ts';
import { signBody } from '../../modules/meta/signature.ts';
import { optionsAsText } from '../reply.ts';
import { startCloudChannel } from './index.ts';
import { startMockGraph, type MockGraphSend } from './graph-mock.ts';

/**
 * `mariadono chat --platform meta`: the Cloud API experience without Meta. Each line goes in as
 * a signed, Meta-shaped webhook (`POST /webhooks/meta` of the real sidecar, injected), through
 * the inbox worker, ingest, the same flows and commands, and out through the Cloud API transport
 * to an in-process Graph API mock; what the mock accepts is printed. Typing the number or the
 * title of a button of the last message taps it (a `button_reply`, as WhatsApp sends it).
 */

export interface CloudConsole {
  /** One line typed by the customer; resolves with what the bot sent back, as text. */
  say(text: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A Cloud API message as a person reads it in a terminal. */
export function renderCloudSend(s: MockGraphSend): string {
  const p = s.payload as Record<string, any>;
  if (s.type === 'text') return String(p.text?.body ?? '');
  if (s.type === 'interactive') {
    const it = p.interactive;
    const rows = it.type === 'button' ? it.action.buttons.map((b: any) => ({ title: `[${b.reply.title}]` })) : it.action.sections.flatMap((x: any) => x.rows);
    return optionsAsText(it.body.text, rows, it.footer?.text);
  }
  if (s.type === 'template') return `[plantilla ${p.template?.name}]`;
  return `[${s.type === 'image' ? 'imagen' : 'documento'}] ${p[s.type]?.caption ?? ''}`.trim();
}

export async function startCloudConsole(base: Config, logger: Logger, who: { phone: string; name?: string }): Promise<CloudConsole> {
  const graph = await startMockGraph({ token: `console-${randomBytes(8).toString('hex')}` });
  const phoneNumberId = base.META_PHONE_NUMBER_ID[0] ?? '100000000000001';
  const config: Config = {
    ...base,
    META_APP_SECRET: randomBytes(16).toString('hex'),
    META_ACCESS_TOKEN: graph.token,
    META_PHONE_NUMBER_ID: [phoneNumberId],
    META_GRAPH_URL: graph.baseUrl,
  };
  const app = await bootCore(config, logger);
  const http = await buildServer({ config, logger, orm: app.orm, services: app.services });
  await http.ready();
  const channel = await startCloudChannel({ config, logger, clock: app.clock, services: app.services });
  let lastButtons: Array<{ id: string; title: string }> = [];
  let seq = 0;

  const messageOf = (text: string) => {
    const id = `wamid.CONSOLE${Date.now().toString(36).toUpperCase()}${(++seq).toString(36)}`;
    const base = { from: who.phone, id, timestamp: String(Math.floor(app.clock.now().getTime() / 1000)) };
    const typed = text.trim().toLowerCase();
    const tapped = lastButtons.find((b, i) => typed === String(i + 1) || typed === b.title.toLowerCase());
    if (tapped) return { ...base, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: tapped.id, title: tapped.title } } };
    return { ...base, type: 'text', text: { body: text } };
  };

  return {
    async say(text) {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '0', time: Math.floor(Date.now() / 1000), changes: [{ field: 'messages', value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
          contacts: [{ profile: { name: who.name ?? 'Cliente' }, wa_id: who.phone }],
          messages: [messageOf(text)],
        } }] }],
      });
      const before = graph.sent.length;
      const res = await http.inject({ method: 'POST', url: '/webhooks/meta', payload: body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, config.META_APP_SECRET!) } });
      if (res.statusCode !== 200) throw new Error(`webhook ${res.statusCode}: ${res.body}`);
      await app.services.meta.worker.drain(30_000);
      await app.services.ingest.drain();
      await app.services.commands.idle();
      const sends = graph.sent.slice(before);
      const withButtons = sends.filter((s) => s.type === 'interactive' && (s.payload as any).interactive?.type === 'button').at(-1);
      if (withButtons) lastButtons = (withButtons.payload as any).interactive.action.buttons.map((b: any) => ({ id: b.reply.id, title: b.reply.title }));
      else if (sends.length) lastButtons = [];
      return sends.map(renderCloudSend);
    },
    async close() {
      channel.stop();
      await app.services.meta.worker.stop();
      await http.close();
      await app.close();
      await graph.close();
    },
  };
}
