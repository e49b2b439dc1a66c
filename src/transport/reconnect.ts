import type { Logger } from '../logger.ts';
import type { ConnectionState } from './types.ts';

/**
 * Reconnection policy. BuilderBot's provider retries on its own (1, 2, 4 … 30 s) but gives up for
 * good after 10 attempts (~3 minutes offline) and never tries again; a bot that must survive a
 * night without internet needs a watchdog of its own. The policy is a pure function so it can
 * be tested; the watchdog only applies it.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  factor: number;
  /** ± fraction of the delay chosen at random, so many bots do not reconnect in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 5 * 60_000, factor: 2, jitter: 0.2 };

/** Delay before reconnection attempt `attempt` (1-based): exponential, capped, jittered. */
export function reconnectDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const raw = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (n - 1));
  const spread = raw * policy.jitter;
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(Math.min(policy.maxMs, Math.max(0, raw - spread + 2 * spread * r)));
}

export type WatchdogVerdict = 'wait' | 'restart';

/**
 * Whether the watchdog must recreate the socket: when the provider has given up, or when the
 * connection has been down longer than `stuckMs`. A QR or pairing code on screen is waiting for
 * a person, not stuck.
 */
export function watchdogVerdict(
  s: { status: ConnectionState['status']; sinceMs: number; providerGaveUp: boolean; restarting: boolean },
  nowMs: number,
  stuckMs: number,
): WatchdogVerdict {
  if (s.restarting || s.status === 'open' || s.status === 'qr' || s.status === 'disabled') return 'wait';
  if (s.providerGaveUp) return 'restart';
  return nowMs - s.sinceMs > stuckMs ? 'restart' : 'wait';
}

export interface Watchdog {
  start(): void;
  stop(): void;
  /** The provider emitted `auth_failure` (it stopped retrying) or could not create a socket. */
  providerGaveUp(): void;
  /** Connection opened: the next outage starts again from the first backoff step. */
  connected(): void;
}

export function createWatchdog(opts: {
  state(): ConnectionState;
  restart(): Promise<void>;
  logger: Logger;
  policy?: BackoffPolicy;
  checkEveryMs?: number;
  stuckMs?: number;
  now?: () => number;
}): Watchdog {
  const log = opts.logger.child({ module: 'whatsapp.watchdog' });
  const now = opts.now ?? Date.now;
  const stuckMs = opts.stuckMs ?? 10 * 60_000;
  let attempt = 0;
  let gaveUp = false;
  let restarting = false;
  let stopped = true;
  let ticker: NodeJS.Timeout | null = null;
  let pending: NodeJS.Timeout | null = null;

  const check = () => {
    if (stopped || pending) return;
    const s = opts.state();
    const verdict = watchdogVerdict({ status: s.status, sinceMs: Date.parse(s.since), providerGaveUp: gaveUp, restarting }, now(), stuckMs);
    if (verdict === 'wait') return;
    attempt++;
    const delay = reconnectDelay(attempt, opts.policy);
    log.warn({ attempt, delayMs: delay, status: s.status }, 'WhatsApp still disconnected; the watchdog will reconnect');
    pending = setTimeout(async () => {
      pending = null;
      if (stopped) return;
      restarting = true;
      gaveUp = false;
      try {
        await opts.restart();
      } catch (err) {
        log.error({ err, attempt }, 'reconnection attempt failed');
        gaveUp = true;
      } finally {
        restarting = false;
      }
    }, delay);
    pending.unref();
  };

  return {
    start() {
      stopped = false;
      ticker = setInterval(check, opts.checkEveryMs ?? 30_000);
      ticker.unref();
    },
    stop() {
      stopped = true;
      if (ticker) clearInterval(ticker);
      if (pending) clearTimeout(pending);
      ticker = pending = null;
    },
    providerGaveUp() {
      gaveUp = true;
      check();
    },
    connected() {
      attempt = 0;
      gaveUp = false;
    },
  };
}
