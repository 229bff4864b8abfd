import { ProviderError } from '../adapters/providers/provider-error';
import type { PredictionProvider } from '../core/ports/providers';

/**
 * A prediction's output, for a provider that settles when submit returns (the stubs without a
 * latency): its output, or its failure thrown as a ProviderError (message and `retryable` as the
 * prediction reports them). Throws too when the prediction has not settled.
 */
export async function predictionOutput<Req, Out>(provider: PredictionProvider<Req, Out>, req: Req): Promise<Out> {
  const { id } = await provider.submit(req);
  const done = await provider.get(id);
  if (done?.status !== 'succeeded') throw new ProviderError(done?.error?.message ?? `prediction ${id} is ${done?.status ?? 'lost'}`, done?.error?.retryable ?? false, provider.name);
  return done.output as Out;
}
