import { ProviderError } from '../provider-error';
import type { Capability, FailWhen } from './failure-injection';

/** What every stub shares: a configurable delay, failure injection and error mapping. */
export class StubRuntime {
  constructor(readonly latencyMs: number, private readonly failWhen: FailWhen) {}

  /**
   * Runs one synchronous call (moderation; the generation capabilities are predictions, see
   * StubPredictions), which takes at least `latencyMs` in all, its own work within that time. Fails
   * if told to (after the latency), and reports any other failure as a ProviderError.
   */
  async call<T>(capability: Capability, prompt: string, fn: () => Promise<T>): Promise<T> {
    const latency = this.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.latencyMs)) : null;
    const injected = this.injectedFailure(capability, prompt);
    try {
      if (injected) throw injected;
      return await this.guard(capability, fn);
    } finally {
      await latency;
    }
  }

  /** The failure STUB_FAIL asks of this call, or null. */
  injectedFailure(capability: Capability, prompt: string): ProviderError | null {
    // Message kept stable: tests elsewhere and people reading job errors look for it.
    return this.failWhen(capability, prompt) ? new ProviderError(`stub ${capability} provider failed (injected by STUB_FAIL)`, false, `stub-${capability}`) : null;
  }

  /** Runs `fn`, reporting any failure that is not already a ProviderError as a retryable one. */
  async guard<T>(capability: Capability, fn: () => Promise<T>): Promise<T> {
    const provider = `stub-${capability}`;
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      // A crash in the stub's own tooling (ffmpeg, sharp) may pass on another attempt.
      throw new ProviderError(`${provider}: ${err instanceof Error ? err.message : String(err)}`, true, provider, { cause: err });
    }
  }
}

/** A request the stub cannot serve; a real provider would reject it too, so retrying is pointless. */
export function invalidRequest(capability: Capability, message: string, options?: ErrorOptions): ProviderError {
  return new ProviderError(`stub-${capability}: ${message}`, false, `stub-${capability}`, options);
}

export function checkInt(capability: Capability, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw invalidRequest(capability, `${name} must be an integer ${min}..${max}, got ${value}`);
}

export function checkSeconds(capability: Capability, value: number, max: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > max) throw invalidRequest(capability, `durationSec must be in (0, ${max}], got ${value}`);
}
