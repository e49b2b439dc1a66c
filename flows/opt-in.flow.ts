import { addKeyword } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { customerRef, step, type FlowDeps } from './context.ts';
import { exactly, OPT_IN_WORDS } from './keywords.ts';

/** ALTA: marketing consent again. */
export function createOptInFlow(deps: FlowDeps) {
  return addKeyword(exactly(OPT_IN_WORDS), { regex: true }).addAction(
    step(deps, 'opt_in', async (ctx, say) => {
      const outcome = await deps.customers.optIn(customerRef(ctx));
      const key = outcome === 'changed' ? 'flows.opt_in_done' : outcome === 'unchanged' ? 'flows.opt_in_already' : 'flows.identity_unknown';
      await say(t(key));
    }),
  );
}
