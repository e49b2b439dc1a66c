import type { Platform } from '../../transport/events.ts';
import type { ConnectionState, Transport } from '../../transport/types.ts';

/**
 * The transports running in this process: at most one Baileys number plus any number of Cloud
 * API numbers, on the same database. The outbound service picks one per send; the health
 * endpoint reports the WhatsApp (Baileys) connection.
 */
export interface TransportChoice {
  platform?: Platform | null;
  businessNumberId?: string | null;
}

export interface TransportRegistry {
  /** Adds a transport; returns the function that removes it again. */
  add(t: Transport): () => void;
  remove(t: Transport): void;
  all(): Transport[];
  /**
   * `strict`: exactly that platform and number (a caller's explicit choice), or null. Otherwise
   * the best match: same platform and number, then same platform, then Baileys, then any.
   */
  pick(want: TransportChoice, strict: boolean): Transport | null;
  /** The Baileys connection's state (or `disabled`). */
  state(): ConnectionState;
}

export function createTransportRegistry(clock: { now(): Date }): TransportRegistry {
  const list: Transport[] = [];
  const since = clock.now().toISOString();
  const matches = (t: Transport, w: TransportChoice) =>
    (!w.platform || t.platform === w.platform) && (!w.businessNumberId || t.businessNumberId() === w.businessNumberId);
  const registry: TransportRegistry = {
    add(t) {
      list.push(t);
      return () => registry.remove(t);
    },
    remove(t) {
      const i = list.indexOf(t);
      if (i >= 0) list.splice(i, 1);
    },
    all: () => [...list],
    pick(want, strict) {
      const exact = want.platform || want.businessNumberId || strict ? list.find((t) => matches(t, want)) : undefined;
      if (exact || strict) return exact ?? null;
      // No history with this client: Baileys when it runs (a Cloud API number could only send
      // them a template: no customer-service window is open).
      const samePlatform = want.platform ? list.find((t) => t.platform === want.platform) : undefined;
      return samePlatform ?? list.find((t) => t.platform === 'baileys') ?? list[0] ?? null;
    },
    state() {
      const baileys = list.find((t) => t.platform === 'baileys');
      return baileys?.state() ?? { status: 'disabled', since, reconnects: 0 };
    },
  };
  return registry;
}
