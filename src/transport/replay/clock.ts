import type { Clock } from '../../shared/clock.ts';
import { ManualClock } from '../../shared/clock.ts';

/**
 * Replay time: "now" is the newest event timestamp seen so far, so REPLY_MAX_AGE, confirmation
 * expiry and schedules behave as when the session was recorded. Before the first timestamped
 * event it is `start` (or the wall clock); the first timestamp then sets it, later ones only
 * move it forward.
 */
export class ReplayClock implements Clock {
  private readonly manual: ManualClock;
  private started: boolean;

  constructor(start?: Date) {
    this.manual = new ManualClock(start ?? new Date());
    this.started = start !== undefined;
  }

  now(): Date {
    return this.manual.now();
  }

  observe(t: Date | null | undefined): void {
    if (!t || Number.isNaN(t.getTime())) return;
    if (!this.started) {
      this.manual.set(t);
      this.started = true;
    } else {
      this.manual.advanceTo(t);
    }
  }

  /** Lets tests move time on (e.g. past REPLY_MAX_AGE) without an event. */
  advance(ms: number): void {
    this.manual.advance(ms);
    this.started = true;
  }
}
