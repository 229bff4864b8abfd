/**
 * The one source of "now" for services, the engine and the store: every time written to or
 * compared with the database comes from here, never from `new Date()` or the database's `now()`,
 * so a test can move time forward instead of sleeping (testing/test-clock.ts).
 */
export interface Clock {
  now(): Date;
}

/** The wall clock, for composition and tools that run outside a test. */
export const systemClock: Clock = { now: () => new Date() };
