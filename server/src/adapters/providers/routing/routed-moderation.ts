import type { CallOptions, ModerationProvider, ModerationResult } from '../../../core/ports/providers';
import { CircuitBreaker } from './circuit-breaker';
import { failover, type RouteMember, type RoutingOptions } from './routed-provider';

/**
 * Moderation over an ordered list of providers (`MODERATION_PROVIDERS=openai,stub`), with the same
 * failover and circuits as RoutedProvider: a retryable failure or an open circuit passes the text to
 * the next; a refusal of the request is thrown at once. Moderation answers synchronously, so each
 * call is its own verdict: an answer clears the provider's circuit, a retryable failure counts.
 */
export class RoutedModeration implements ModerationProvider {
  readonly name: string;
  readonly capability = 'moderation';
  private readonly circuits: Map<string, CircuitBreaker>;

  constructor(readonly providers: readonly ModerationProvider[], private readonly opts: RoutingOptions) {
    if (providers.length === 0) throw new Error('routing moderation: no provider in the list');
    const names = providers.map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`routing moderation: ${twice} is listed twice`);
    this.name = names.join(',');
    this.circuits = new Map(providers.map((p) => [p.name, new CircuitBreaker(opts.clock, opts)]));
  }

  members(): RouteMember[] {
    return this.providers.map((p, position) => ({ name: p.name, model: p.model ?? null, position, circuit: this.circuits.get(p.name)!.state }));
  }

  checkText(text: string, opts: CallOptions = {}): Promise<ModerationResult> {
    return failover('moderation', this.providers, this.circuits, this.opts.clock, opts.onAttempt, async (provider) => {
      const value = await provider.checkText(text);
      this.circuits.get(provider.name)!.success();
      return { value };
    });
  }
}
