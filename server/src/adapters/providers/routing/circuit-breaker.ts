import type { Clock } from '../../../core/ports/clock';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before it lets one trial through, in ms. Default 30 000. */
  cooldownMs?: number;
}

export const CIRCUIT_DEFAULTS = { failureThreshold: 5, cooldownMs: 30_000 } as const;

/**
 * The circuit of one provider for one capability, in one process.
 *
 * - closed: calls go through; each failure counts, a success clears the count; at
 *   `failureThreshold` failures in a row it opens.
 * - open: calls are refused (the router passes them to the next provider) for `cooldownMs` on the
 *   injected clock; then it is half-open.
 * - half_open: one trial call goes through (`acquire` answers true once); its success closes the
 *   circuit, its failure opens it for another cooldown, and a call that proves nothing (`release`:
 *   a refused request) lets the next caller try.
 *
 * What counts is the router's to say (routed-provider.ts): a failed submit, a get that answers an
 * error, a prediction that settled failed retryably. Time is read only when asked, so a test moves
 * a TestClock past the cooldown and the next call sees the circuit half-open.
 */
export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private failures = 0;
  private openUntil: number | null = null;
  private trialInFlight = false;

  constructor(private readonly clock: Clock, opts: CircuitOptions = {}) {
    this.threshold = Math.max(1, opts.failureThreshold ?? CIRCUIT_DEFAULTS.failureThreshold);
    this.cooldownMs = Math.max(0, opts.cooldownMs ?? CIRCUIT_DEFAULTS.cooldownMs);
  }

  get state(): CircuitState {
    if (this.openUntil === null) return 'closed';
    return this.clock.now().getTime() < this.openUntil ? 'open' : 'half_open';
  }

  /** When an open circuit becomes half-open (epoch ms); null when it is not open. */
  get reopensAt(): number | null {
    return this.state === 'open' ? this.openUntil : null;
  }

  /** Consecutive failures counted since the last success. */
  get failureCount(): number {
    return this.failures;
  }

  /**
   * Whether a call may go now: always when closed; when half-open, only the first caller (the
   * trial) until its verdict; never when open.
   */
  acquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openUntil = null;
    this.trialInFlight = false;
  }

  failure(): void {
    this.failures++;
    // A failed trial opens the circuit again at once, whatever the count.
    if (this.trialInFlight || this.state === 'half_open' || this.failures >= this.threshold) {
      this.openUntil = this.clock.now().getTime() + this.cooldownMs;
    }
    this.trialInFlight = false;
  }

  /** A call that proved nothing either way ended: a half-open circuit lets the next caller try. */
  release(): void {
    this.trialInFlight = false;
  }
}
