import type { Clock } from '../shared/clock.ts';
import type { ConnectionState, ConnectionStatus } from './types.ts';

/**
 * The session's health as `/health` shows it: status, reconnects, decryption failures and the
 * time of the last inbound message. One mutable holder per transport.
 */
export interface ConnectionStateHolder {
  get(): ConnectionState;
  set(status: ConnectionStatus, lastError?: string): void;
  reconnected(): void;
  inbound(at: Date): void;
  decryptFailures(n: number): void;
}

export function createConnectionState(clock: Clock, initial: ConnectionStatus = 'connecting'): ConnectionStateHolder {
  const state: ConnectionState = {
    status: initial,
    since: clock.now().toISOString(),
    reconnects: 0,
    lastInboundAt: null,
    decryptFailures: 0,
  };
  return {
    get: () => ({ ...state }),
    set(status, lastError) {
      if (state.status !== status) {
        state.status = status;
        state.since = clock.now().toISOString();
      }
      if (lastError !== undefined) state.lastError = lastError;
    },
    reconnected() {
      state.reconnects++;
    },
    inbound(at) {
      const iso = at.toISOString();
      if (!state.lastInboundAt || state.lastInboundAt < iso) state.lastInboundAt = iso;
    },
    decryptFailures(n) {
      state.decryptFailures = (state.decryptFailures ?? 0) + n;
    },
  };
}
