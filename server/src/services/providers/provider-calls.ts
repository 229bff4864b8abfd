import type { CallOptions, ModerationProvider, Prediction, ProviderAttempt, ProviderCapability } from '../../core/ports/providers';
import type { ProviderCall, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';

/**
 * The record of every provider call (table provider_calls): who served it, its model, its ids, its
 * status from submitted to succeeded, failed or lost, its latency on the injected clock and the
 * provider's cost figure. The engine records a step's predictions (engine/predict.ts: on submit, and
 * when it first sees one settled), and `recordedModeration` the synchronous moderation checks.
 *
 * Recording never fails the work it records: a write that fails is logged, and the call goes on.
 * Keys and request bodies are never recorded: only names, ids, statuses, times and the provider's
 * error text (which ProviderError keeps free of our keys: adapters/providers/http/provider-http.ts).
 */
export interface CallRecorder {
  /**
   * Records a submit that began at `at`: each provider that failed it (settled failed at once, its
   * latency the attempt's), and the one that served it, as `submitted` under `predictionId`. With
   * `predictionId` null the submit failed: only the failures are recorded.
   */
  submitted(input: { key: string; capability: ProviderCapability; at: Date; attempts: ProviderAttempt[]; predictionId: string | null }): Promise<void>;
  /**
   * Records what a prediction was seen as: succeeded or failed (with its error and cost), or lost
   * (null: the provider no longer knows it). Still running: nothing. Only the first sight counts.
   */
  seen(predictionId: string, prediction: Prediction<unknown> | null): Promise<void>;
}

type RecorderDeps = Pick<Deps, 'store' | 'clock' | 'log' | 'metrics'>;

/** Recording for the calls of one step of one job (or of none: moderation). */
export function callRecorder(deps: RecorderDeps, where: { jobId: string | null; step: string | null }): CallRecorder {
  return {
    submitted: ({ key, capability, at, attempts, predictionId }) =>
      guarded(deps, 'submit', where, () => deps.store.read((r) => insertAttempts(r, { ...where, key, capability }, at, attempts, predictionId, deps.metrics))),
    seen: (predictionId, p) => {
      if (p && p.status !== 'succeeded' && p.status !== 'failed') return Promise.resolve();
      const status = p ? (p.status as 'succeeded' | 'failed') : 'lost';
      return guarded(deps, 'settle', where, async () => {
        const settled = await deps.store.read((r) =>
          r.providerCalls.settle(predictionId, {
            status,
            error: p ? (p.status === 'failed' ? p.error?.message ?? 'the prediction failed' : null) : 'the provider no longer knows the prediction',
            cost: typeof p?.cost === 'number' && Number.isFinite(p.cost) ? p.cost : null,
            at: deps.clock.now(),
          }),
        );
        // Counted by whoever settled the record: a webhook and a poll that both see it count once.
        if (settled) deps.metrics.providerCall({ ...settled, outcome: status });
      });
    },
  };
}

/**
 * The attempts of a call made to `provider` that took `ms`: what its router told (each provider it
 * tried), or, from a provider that is not a router and told nothing, one attempt in its own name.
 */
export function attemptsOf(
  told: ProviderAttempt[],
  provider: { name: string; model?: string },
  ms: number,
  result: { id?: string } | { error: unknown },
): ProviderAttempt[] {
  if (told.length > 0) return told;
  const model = provider.model !== undefined ? { model: provider.model } : {};
  if (!('error' in result)) return [{ provider: provider.name, ...model, ms, ...(result.id !== undefined ? { id: result.id } : {}) }];
  const err = result.error;
  return [{
    provider: provider.name, ...model, ms,
    error: { message: err instanceof Error ? err.message : String(err), retryable: (err as { retryable?: unknown } | null)?.retryable === true },
  }];
}

/** The provider's own id in an adapter's prediction id (`<provider id>|<extra>`): what its webhook names. */
export const externalIdOf = (id: string) => id.split('|')[0]!;

/**
 * Moderation whose every call is recorded (job null: moderation answers at once, outside any job):
 * each provider a router tried, with its attempt's latency. The composition wraps the platform's
 * moderation provider with it.
 */
export function recordedModeration(deps: RecorderDeps, provider: ModerationProvider): ModerationProvider {
  const where = { jobId: null, step: null, key: null, capability: 'moderation' as const };
  return {
    name: provider.name,
    ...(provider.model !== undefined ? { model: provider.model } : {}),
    async checkText(text: string, opts: CallOptions = {}) {
      const told: ProviderAttempt[] = [];
      const at = deps.clock.now();
      const record = (result: { id?: string } | { error: unknown }) => {
        const attempts = attemptsOf(told, provider, deps.clock.now().getTime() - at.getTime(), result);
        return guarded(deps, 'moderation', where, () => deps.store.read((r) => insertAttempts(r, where, at, attempts, null, deps.metrics)));
      };
      const tell = (a: ProviderAttempt) => {
        told.push(a);
        opts.onAttempt?.(a);
      };
      try {
        const result = await provider.checkText(text, { onAttempt: tell });
        await record({});
        return result;
      } catch (err) {
        await record({ error: err });
        throw err;
      }
    },
  };
}

/**
 * Inserts one row per attempt, each starting where the one before it ended: a failure settled at
 * once with its attempt's latency; the one that served as `submitted` under `predictionId`, or, for
 * a synchronous call (`predictionId` null), settled succeeded with its latency.
 */
async function insertAttempts(
  r: Repos,
  where: Pick<ProviderCall, 'jobId' | 'step' | 'key' | 'capability'>,
  at: Date,
  attempts: ProviderAttempt[],
  predictionId: string | null,
  metrics?: RecorderDeps['metrics'],
): Promise<void> {
  let offset = 0;
  for (const a of attempts) {
    const submittedAt = new Date(at.getTime() + offset);
    const settledAt = new Date(submittedAt.getTime() + a.ms);
    offset += a.ms;
    const base = { ...where, provider: a.provider, model: a.model ?? null, externalId: a.id ? externalIdOf(a.id) : null, cost: null, submittedAt };
    if (a.error || predictionId === null) metrics?.providerCall({ provider: a.provider, capability: where.capability, outcome: a.error ? 'failed' : 'succeeded', latencyMs: a.ms });
    if (a.error) {
      await r.providerCalls.insert({ ...base, predictionId: null, status: 'failed', error: a.error.message, latencyMs: a.ms, settledAt });
    } else if (predictionId !== null) {
      await r.providerCalls.insert({ ...base, predictionId, status: 'submitted', error: null, latencyMs: null, settledAt: null });
    } else {
      await r.providerCalls.insert({ ...base, predictionId: null, status: 'succeeded', error: null, latencyMs: a.ms, settledAt });
    }
  }
}

/** Runs a recording write; its failure is logged, never thrown into the work it records. */
async function guarded(deps: RecorderDeps, what: string, where: object, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.warn({ err, ...where }, `could not record a provider call (${what})`);
  }
}
