import type { App } from '../app.ts';
import type { Transport } from './types.ts';

/**
 * Starts the live WhatsApp transport (Baileys through BuilderBot).
 * Owned by the transport module; returns the transport and a stop function.
 */
export async function startLiveTransport(_app: App): Promise<{ transport: Transport; stop: () => Promise<void> } | null> {
  return null;
}
