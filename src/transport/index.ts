/**
 * The transport module's entry point for the boot (src/main.ts). The live implementation is
 * loaded on demand: it pulls in Baileys and BuilderBot, which the sidecar-only mode never needs.
 */
import type { App } from '../app.ts';
import type { Transport } from './types.ts';

export async function startLiveTransport(app: App): Promise<{ transport: Transport; stop: () => Promise<void> } | null> {
  const live = await import('./live.ts');
  return live.startLiveTransport(app);
}
