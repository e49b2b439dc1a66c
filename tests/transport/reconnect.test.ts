import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWatchdog, DEFAULT_BACKOFF, reconnectDelay, watchdogVerdict } from '../../src/transport/reconnect.ts';
import { silentLogger } from '../../src/logger.ts';
import type { ConnectionState } from '../../src/transport/types.ts';

describe('reconnectDelay', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('doubles from the base delay and stops growing at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => reconnectDelay(n, noJitter))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('spreads each delay by ±jitter and never exceeds the cap', () => {
    expect(reconnectDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(8_000);
    expect(reconnectDelay(2, DEFAULT_BACKOFF, () => 1)).toBe(12_000);
    expect(reconnectDelay(2, DEFAULT_BACKOFF, () => 0.5)).toBe(10_000);
    expect(reconnectDelay(30, DEFAULT_BACKOFF, () => 1)).toBe(300_000);
  });

  it('treats nonsense attempts as the first one', () => {
    expect(reconnectDelay(0, noJitter)).toBe(5_000);
    expect(reconnectDelay(-3, noJitter)).toBe(5_000);
    expect(reconnectDelay(Number.NaN, noJitter)).toBe(5_000);
  });
});

describe('watchdogVerdict', () => {
  const base = { status: 'reconnecting' as const, sinceMs: 0, providerGaveUp: false, restarting: false };
  it('restarts once the provider has given up, or when down longer than stuckMs', () => {
    expect(watchdogVerdict({ ...base, providerGaveUp: true }, 1_000, 600_000)).toBe('restart');
    expect(watchdogVerdict(base, 600_001, 600_000)).toBe('restart');
    expect(watchdogVerdict(base, 599_999, 600_000)).toBe('wait');
  });
  it('waits while connected, while a QR waits for a person, and while a restart is running', () => {
    expect(watchdogVerdict({ ...base, status: 'open', providerGaveUp: true }, 1e9, 1)).toBe('wait');
    expect(watchdogVerdict({ ...base, status: 'qr' }, 1e9, 1)).toBe('wait');
    expect(watchdogVerdict({ ...base, providerGaveUp: true, restarting: true }, 1e9, 1)).toBe('wait');
  });
});

describe('createWatchdog', () => {
  afterEach(() => vi.useRealTimers());

  it('takes over with growing delays after the provider gives up, and starts over once connected', async () => {
    vi.useFakeTimers({ now: 0 });
    let state: ConnectionState = { status: 'reconnecting', since: new Date(0).toISOString(), reconnects: 10 };
    const restarts: number[] = [];
    const dog = createWatchdog({
      state: () => state,
      logger: silentLogger(),
      policy: { ...DEFAULT_BACKOFF, jitter: 0 },
      restart: async () => void restarts.push(Date.now()),
    });
    dog.start();
    dog.providerGaveUp();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(restarts).toEqual([5_000]);
    dog.providerGaveUp();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(restarts).toEqual([5_000, 15_000]);
    state = { ...state, status: 'open' };
    dog.connected();
    state = { ...state, status: 'reconnecting' };
    dog.providerGaveUp();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(restarts).toEqual([5_000, 15_000, 20_000]);
    dog.stop();
    dog.providerGaveUp();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(restarts).toHaveLength(3);
  });
});
