import { addKeyword } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { customerRef, step, withWelcome, type FlowDeps } from './context.ts';
import { AGENT_WORDS, exactly } from './keywords.ts';

/** Menu option 1: hand the conversation to a person. */
export function createAgentFlow(deps: FlowDeps) {
  return addKeyword(exactly(AGENT_WORDS), { regex: true }).addAction(
    step(deps, 'agent', async (ctx, say) => {
      deps.customers.requestAgent(customerRef(ctx));
      await say(withWelcome(ctx, [t('flows.agent')]));
    }),
  );
}
