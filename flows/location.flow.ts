import { addKeyword, EVENTS } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { menuMessage, step, withWelcome, type FlowDeps } from './context.ts';

/**
 * A shared location: BuilderBot gives it an event of its own, which would otherwise match no
 * flow and leave the customer without an answer. It is answered like any message we do not
 * understand (a new customer gets the welcome and the menu).
 */
export function createLocationFlow(deps: FlowDeps) {
  return addKeyword(EVENTS.LOCATION).addAction(
    step(deps, 'location', async (ctx, say) => say(ctx.mariadono?.firstContact ? withWelcome(ctx, [menuMessage()]) : [t('flows.fallback')])),
  );
}
