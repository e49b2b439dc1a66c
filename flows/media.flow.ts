import { addKeyword, EVENTS } from '@builderbot/bot';
import { t } from '../src/shared/i18n/index.ts';
import { step, withWelcome, type FlowDeps } from './context.ts';

/** Photos, videos, documents and voice notes: acknowledged (the file itself is already stored). */
export function createMediaFlows(deps: FlowDeps) {
  return [EVENTS.MEDIA, EVENTS.DOCUMENT, EVENTS.VOICE_NOTE].map((event) =>
    addKeyword(event).addAction(step(deps, 'media', async (ctx, say) => say(withWelcome(ctx, [t('flows.media_received')])))),
  );
}
