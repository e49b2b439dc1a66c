import { addKeyword } from '@builderbot/bot';
import { menuMessage, step, withWelcome, type FlowDeps } from './context.ts';
import { exactly, MENU_WORDS } from './keywords.ts';

/** "hola", "menú"…: the welcome (first contact) and the menu. */
export function createMenuFlow(deps: FlowDeps) {
  return addKeyword(exactly(MENU_WORDS), { regex: true }).addAction(
    step(deps, 'menu', async (ctx, say) => say(withWelcome(ctx, [menuMessage()]))),
  );
}
