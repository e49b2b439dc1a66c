import { cleanDisplayName } from '../src/shared/text.ts';
import { addKeyword, EVENTS } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { menuMessage, step, type FlowDeps } from './context.ts';

/**
 * The catch-all (BuilderBot's WELCOME event fires when no keyword matched): a new customer gets
 * the welcome and the menu, anyone else a short hint about what we understand.
 */
export function createWelcomeFlow(deps: FlowDeps) {
  return addKeyword(EVENTS.WELCOME).addAction(
    step(deps, 'welcome', async (ctx, say) => {
      if (ctx.mariadono?.firstContact) {
        // Greeted by a short, clean form of the push name (it is the sender's to choose).
        const name = cleanDisplayName(ctx.mariadono.name, 30);
        return say([name ? t('flows.welcome_named', { name }) : t('flows.welcome'), menuMessage()]);
      }
      await say(t('flows.fallback'));
    }),
  );
}
