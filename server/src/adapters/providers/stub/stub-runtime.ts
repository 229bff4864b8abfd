import { ProviderError } from '../provider-error';
import type { Capability, FailWhen } from './failure-injection';

/** What every stub shares: a configurable delay and failure injection. */
export class StubRuntime {
  constructor(readonly latencyMs: number, private readonly failWhen: FailWhen) {}

  async enter(capability: Capability, prompt: string): Promise<void> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.failWhen(capability, prompt)) {
      throw new ProviderError(`stub ${capability} provider failed (injected by STUB_FAIL)`, false, `stub-${capability}`);
    }
  }
}
