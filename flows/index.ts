import { createFlow } from '@builderbot/bot';
import type { FlowDeps } from './context.ts';
import { createMenuFlow } from './menu.flow.ts';
import { createAgentFlow } from './agent.flow.ts';
import { createOrdersFlow } from './orders.flow.ts';
import { createOptOutFlow } from './opt-out.flow.ts';
import { createOptInFlow } from './opt-in.flow.ts';
import { createMediaFlows } from './media.flow.ts';
import { createLocationFlow } from './location.flow.ts';
import { createWelcomeFlow } from './welcome.flow.ts';

export type { FlowDeps } from './context.ts';

/**
 * The customer conversation: keyword flows first, the catch-all last. Slash commands never get
 * here (the session routes them to the admin router before BuilderBot sees the message).
 */
export function createCustomerFlows(deps: FlowDeps) {
  return createFlow([
    createMenuFlow(deps),
    createAgentFlow(deps),
    createOrdersFlow(deps),
    createOptOutFlow(deps),
    createOptInFlow(deps),
    ...createMediaFlows(deps),
    createLocationFlow(deps),
    createWelcomeFlow(deps),
  ]);
}
