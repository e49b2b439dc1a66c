import { addKeyword } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { customerRef, step, type FlowDeps } from './context.ts';
import { exactly, OPT_OUT_WORDS } from './keywords.ts';

/** Menu option 3, BAJA / STOP / CANCELAR: no more marketing (recorded with a timestamp). */
export function createOptOutFlow(deps: FlowDeps) {
  return addKeyword(exactly(OPT_OUT_WORDS), { regex: true }).addAction(
    step(deps, 'opt_out', async (ctx, say) => {
      const outcome = await deps.customers.optOut(customerRef(ctx));
      const key = outcome === 'changed' ? 'flows.opt_out_done' : outcome === 'unchanged' ? 'flows.opt_out_already' : 'flows.identity_unknown';
      await say(t(key));
    }),
  );
}
