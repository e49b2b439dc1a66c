import type { CustomerService, CustomerRef } from '../src/modules/messaging/customer.service.ts';
import { t } from '../src/shared/i18n/index.ts';
import { optionsAsText } from '../src/transport/reply.ts';
import { lidOfJid } from '../src/transport/jid.ts';
import type { Logger } from '../src/logger.ts';

/**
 * What every flow gets: the customer services (all decisions and writes) and a logger. The
 * session attaches `mariadono` to each message it hands BuilderBot: who wrote, as resolved by
 * the ingest pipeline that logged the message just before.
 */
export interface FlowDeps {
  customers: CustomerService;
  logger: Logger;
  timeZone?: string;
}

export interface CustomerContext {
  userId: number | null;
  phone: string | null;
  lid: string | null;
  firstContact: boolean;
  name: string | null;
}

export interface FlowCtx {
  from: string;
  body: string;
  name?: string;
  mariadono?: CustomerContext;
}

/** A flow message: text, or text with quick-reply buttons (`id` is what comes back as the answer). */
export type FlowMessage = string | { body: string; buttons: Array<{ id: string; body: string }> };

export type FlowDynamic = (messages: FlowMessage | FlowMessage[]) => Promise<void>;

/**
 * The menu: real reply buttons on the Cloud API, numbered options on Baileys. A tap sends the
 * button's id; a typed number is read as the id of that option (src/transport/option-memory.ts);
 * the ids are keywords of the option flows, which also accept the bare numbers.
 */
export function menuMessage(): FlowMessage {
  return {
    body: t('flows.menu'),
    buttons: [
      { id: 'agente', body: t('flows.menu_agent') },
      { id: 'pedidos', body: t('flows.menu_orders') },
      { id: 'baja', body: t('flows.menu_opt_out') },
    ],
  };
}

export function customerRef(ctx: FlowCtx): CustomerRef {
  const c = ctx.mariadono;
  if (c) return { userId: c.userId, phone: c.phone, lid: c.lid };
  const lid = lidOfJid(ctx.from);
  return lid ? { lid } : { phone: ctx.from };
}

/** The menu as the customer reads it in plain text (Baileys' numbered options). */
export function menuText(): string {
  const m = menuMessage() as Exclude<FlowMessage, string>;
  return optionsAsText(m.body, m.buttons.map((b) => ({ title: b.body })));
}

/** The welcome goes first whatever a new customer's first message was. */
export function withWelcome(ctx: FlowCtx, messages: FlowMessage[]): FlowMessage[] {
  if (!ctx.mariadono?.firstContact) return messages;
  const name = ctx.mariadono.name?.trim();
  return [name ? t('flows.welcome_named', { name }) : t('flows.welcome'), ...messages];
}

/**
 * Runs a flow step; a failing service gets a polite apology instead of silence (BuilderBot
 * would swallow the error and the customer would wait forever).
 */
export function step(deps: FlowDeps, name: string, fn: (ctx: FlowCtx, say: FlowDynamic) => Promise<void>) {
  return async (ctx: FlowCtx, tools: { flowDynamic(messages: never): Promise<void> }) => {
    // BuilderBot's own type does not mix strings and objects in one list; its runtime does.
    const say: FlowDynamic = (m) => tools.flowDynamic((Array.isArray(m) ? m : [m]).map((x) => (typeof x === 'string' ? { body: x } : x)) as never);
    try {
      await fn(ctx, say);
    } catch (err) {
      deps.logger.error({ err, flow: name }, 'flow failed');
      await say(t('common.internal_error'));
    }
  };
}
