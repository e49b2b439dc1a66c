/**
 * Injectable "now". Live runs use the wall clock; replay runs follow the events' timestamps
 * (now = newest event seen so far), so time rules behave as when the session was recorded.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (replay, tests). Never goes backwards. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | number = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(t: Date | number): void {
    this.current = typeof t === 'number' ? t : t.getTime();
  }
  /** Moves forward to `t` if it is later than now (replay: the newest event wins). */
  advanceTo(t: Date | number): void {
    const ms = typeof t === 'number' ? t : t.getTime();
    if (ms > this.current) this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
