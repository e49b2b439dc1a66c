import type { Clock } from '../../shared/clock.ts';

/**
 * Slows password guessing on POST /api/auth/login without giving a stranger a way to lock the
 * owner out (the old fixed 15-minute lock did: five wrong passwords from anywhere blocked the
 * account). Counters are keyed on what the caller typed, so a phone that is not staff (or does
 * not exist) is throttled exactly like one that is: the answers never tell them apart.
 *
 * - Per IP: after `maxFailures` failed logins within `window` (any phones), each further attempt
 *   from that IP must wait `1 s × 2^(failures − maxFailures)`, at most `maxDelay`, counted from
 *   its last failure. One machine guessing (or spraying many phones) is slowed exponentially.
 * - Per phone, across IPs: once a phone has `ACCOUNT_FACTOR × maxFailures` failures within
 *   `window` (a distributed attack), an IP that has already failed for that phone waits the same
 *   way; an IP that has not — the owner at their usual place — still gets its attempt checked.
 *   So nobody can lock the owner out from another address.
 * - A failure is counted when the attempt starts, before the password is checked, so parallel
 *   guesses all count; a success (or an answer that is not a guess: TOTP missing, account
 *   suspended) takes it back. A quiet `window` forgets a counter.
 *
 * State is per process (a bounded map): a restart forgets it, and instances sharing PostgreSQL
 * each keep their own counters (AUTH_RATE_LIMIT still caps every IP per instance).
 */

export const BASE_DELAY_MS = 1_000;
/** A phone is "under attack" after this many times the per-IP allowance, from any IPs. */
export const ACCOUNT_FACTOR = 4;
const MAX_KEYS = 50_000;

export interface ThrottlePolicy {
  maxFailures: number;
  window: number;
  maxDelay: number;
}

interface Counter {
  failures: number;
  lastFailureAt: number;
}

export type ThrottleGate =
  | { ok: true; succeeded(): void; release(): void }
  | { ok: false; retryAfterMs: number };

export interface LoginThrottle {
  /** Checks and reserves an attempt for `phone` (what was typed, normalized) from `ip`. */
  begin(phone: string, ip: string): ThrottleGate;
}

/** How long after the last failure the next attempt may come, given `failures` so far. */
export function backoff(failures: number, threshold: number, maxDelay: number): number {
  if (failures < threshold) return 0;
  return Math.min(maxDelay, BASE_DELAY_MS * 2 ** Math.min(30, failures - threshold));
}

export function createLoginThrottle(policy: ThrottlePolicy, clock: Clock): LoginThrottle {
  const counters = new Map<string, Counter>();

  const get = (key: string, now: number): Counter | undefined => {
    const c = counters.get(key);
    if (c && now - c.lastFailureAt > policy.window) {
      counters.delete(key);
      return undefined;
    }
    return c;
  };
  const waitFor = (c: Counter | undefined, threshold: number, now: number) =>
    c ? Math.max(0, c.lastFailureAt + backoff(c.failures, threshold, policy.maxDelay) - now) : 0;

  const prune = (now: number) => {
    if (counters.size < MAX_KEYS) return;
    for (const [k, c] of counters) if (now - c.lastFailureAt > policy.window) counters.delete(k);
    // Still full (a flood of distinct keys): forget the oldest entries first.
    for (const k of counters.keys()) {
      if (counters.size < MAX_KEYS * 0.9) break;
      counters.delete(k);
    }
  };

  const bump = (key: string, now: number, by: 1 | -1) => {
    const c = counters.get(key);
    if (by > 0) {
      if (c) {
        c.failures++;
        c.lastFailureAt = now;
      } else {
        counters.set(key, { failures: 1, lastFailureAt: now });
      }
    } else if (c) {
      c.failures = Math.max(0, c.failures - 1);
      if (c.failures === 0) counters.delete(key);
    }
  };

  return {
    begin(phone, ip) {
      const now = clock.now().getTime();
      const ipKey = `ip:${ip}`;
      const pairKey = `pair:${phone}|${ip}`;
      const accountKey = `acct:${phone}`;
      const byIp = waitFor(get(ipKey, now), policy.maxFailures, now);
      const account = get(accountKey, now);
      const pair = get(pairKey, now);
      const underAttack = (account?.failures ?? 0) >= ACCOUNT_FACTOR * policy.maxFailures;
      // Only an IP that already failed for this phone waits on the phone's counter.
      const byAccount = underAttack && pair ? waitFor(pair, 1, now) : 0;
      const wait = Math.max(byIp, byAccount);
      if (wait > 0) return { ok: false, retryAfterMs: wait };

      prune(now);
      for (const k of [ipKey, pairKey, accountKey]) bump(k, now, 1);
      let settled = false;
      const undo = (clearPair: boolean) => {
        if (settled) return;
        settled = true;
        for (const k of [ipKey, accountKey]) bump(k, now, -1);
        if (clearPair) counters.delete(pairKey);
        else bump(pairKey, now, -1);
      };
      return { ok: true, succeeded: () => undo(true), release: () => undo(false) };
    },
  };
}
