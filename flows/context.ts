import type { CustomerService, CustomerRef } from '../src/modules/messaging/customer.service.ts';
import { t } from '../src/shared/i18n/index.ts';
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

export type FlowDynamic = (messages: string | string[]) => Promise<void>;

export function customerRef(ctx: FlowCtx): CustomerRef {
  const c = ctx.mariadono;
  if (c) return { userId: c.userId, phone: c.phone, lid: c.lid };
  return ctx.from.includes('@') ? { lid: ctx.from.split('@')[0] } : { phone: ctx.from };
}

/** The welcome goes first whatever a new customer's first message was. */
export function withWelcome(ctx: FlowCtx, messages: string[]): string[] {
  if (!ctx.mariadono?.firstContact) return messages;
  const name = ctx.mariadono.name?.trim();
  return [name ? t('flows.welcome_named', { name }) : t('flows.welcome'), ...messages];
}

/**
 * Runs a flow step; a failing service gets a polite apology instead of silence (BuilderBot
 * would swallow the error and the customer would wait forever).
 */
export function step(deps: FlowDeps, name: string, fn: (ctx: FlowCtx, say: FlowDynamic) => Promise<void>) {
  return async (ctx: FlowCtx, tools: { flowDynamic: FlowDynamic }) => {
    try {
      await fn(ctx, tools.flowDynamic);
    } catch (err) {
      deps.logger.error({ err, flow: name }, 'flow failed');
      await tools.flowDynamic(t('common.internal_error'));
    }
  };
}
