import type { Clock } from '../core/ports/clock';

/**
 * A clock a test moves by hand: time stands still until `advance`, so a lease, a wait deadline or
 * a stale job expires exactly when the test says, with no real sleeps. Pass it to
 * createTestPlatform({ clock }) and the services, the engine and the store all read it.
 */
export class TestClock implements Clock {
  private ms: number;

  constructor(start: Date = new Date('2026-01-05T09:00:00.000Z')) {
    this.ms = start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('A clock does not go back');
    this.ms += ms;
  }
}
