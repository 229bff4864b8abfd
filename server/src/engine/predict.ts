import { z } from 'zod';
import { FatalStepError, RetryableStepError } from '../core/jobs/step-errors';
import type { Clock } from '../core/ports/clock';
import {
  PREDICTION_CAPABILITIES, type Prediction, type PredictionCapability, type PredictionOutput, type PredictionProvider,
  type PredictionRequest, type ProviderAttempt, type Providers,
} from '../core/ports/providers';
import type { Json, JsonObject } from '../core/ports/store';
import { attemptsOf, externalIdOf, type CallRecorder } from '../services/providers/provider-calls';
import type { PollResult, StepOutcome } from './pipeline';

/**
 * `ctx.predict`: one generic way for a step to use an asynchronous provider (a prediction) without
 * holding a worker while it works. See StepContext.predict for the replay rule.
 */

/** How long a step waits for one prediction, how often the engine polls it, how often it is submitted. */
export interface PredictOptions {
  /** The wait's reason, shown on the job while it waits. Default `<capability> <key>`. */
  reason?: string;
  /** The wait fails the job (WAIT_TIMEOUT, refunded) when the prediction has not settled in time. Default 20 min. */
  timeoutMs?: number;
  /**
   * How long after the wait starts the reconciler first polls the prediction (its tick bounds it: 2 s
   * by default); each later poll comes twice as long after the one before, up to 30 s
   * (core/jobs/step-waits pollDelayAfter). The webhook usually resumes the step first; the poll is
   * for a webhook that never comes. Default PredictIo.pollIntervalMs (Settings.predictionPollMs: 5 s).
   */
  pollIntervalMs?: number;
  /** Submissions (the first, then one per lost or retryably failed prediction) before the step fails. Default 3. */
  maxSubmits?: number;
}

const DEFAULTS = { timeoutMs: 20 * 60_000, pollIntervalMs: 5_000, maxSubmits: 3 };

/**
 * One prediction a step made, as the job's state keeps it. `succeeded`: seen succeeded and recorded
 * so (kept from the step's next state write on): its call is not settled again, and the engine's
 * polls of the step skip it.
 */
const PredictionRecord = z.object({ capability: z.enum(PREDICTION_CAPABILITIES), id: z.string(), submits: z.number().int().min(1), succeeded: z.literal(true).optional() });
type PredictionRecord = z.infer<typeof PredictionRecord>;
const StepPredictions = z.record(z.string(), PredictionRecord);
type StepPredictions = z.infer<typeof StepPredictions>;

/**
 * Where a step keeps its predictions in the job's state, by the key it gives each: a key of its own
 * per step, so that steps running side by side never overwrite each other's (setState merges the
 * top level only).
 */
export const predictionsKey = (step: string) => `predictions:${step}`;

/** The step's predictions in `state`; a record that does not parse is dropped (the step submits again). */
function recordsIn(state: JsonObject, step: string): StepPredictions {
  const raw = state[predictionsKey(step)];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => {
    const parsed = PredictionRecord.safeParse(v);
    return parsed.success ? [[k, parsed.data]] : [];
  }));
}

/**
 * Thrown by `predict` when its prediction has not settled: the step stops there, and runStep
 * (step-run.ts) turns it into the step's wait. Engine-internal: a step must let it through.
 */
export class StepSuspended extends Error {
  override readonly name = 'StepSuspended';
  constructor(readonly wait: Extract<StepOutcome, { wait: unknown }>['wait']) {
    super(`waiting: ${wait.reason}`);
  }
}

export type Predict = <C extends PredictionCapability>(
  key: string,
  capability: C,
  request: PredictionRequest<C>,
  opts?: PredictOptions,
) => Promise<PredictionOutput<C>>;

/** What `predict` uses of its step's context (runner.ts context()). */
export interface PredictIo {
  step: string;
  providers: Providers;
  clock: Clock;
  /** Where the step's calls are recorded (services/providers/provider-calls.ts). */
  calls: CallRecorder;
  /** The job's state as it is now (read once per step run: a run's own job may be older). */
  readState(): Promise<JsonObject>;
  /** Merges `patch` into the job's state, and adds `trace` to the job's trace in the same write. */
  setState(patch: JsonObject, trace?: string): Promise<void>;
  /** Resumes this step's wait (ctx.webhook). */
  webhook(event: Json): void;
  /** The poll interval of a predict that gives none (Settings.predictionPollMs). Default 5 s. */
  pollIntervalMs?: number;
}

/** The `predict` of one run of one step; see StepContext.predict. */
export function predictor(io: PredictIo): Predict {
  let records: Promise<StepPredictions> | null = null;
  const load = () => (records ??= io.readState().then((state) => recordsIn(state, io.step)));
  return async (key, capability, request, opts = {}) => {
    const { timeoutMs, pollIntervalMs, maxSubmits } = { ...DEFAULTS, ...(io.pollIntervalMs ? { pollIntervalMs: io.pollIntervalMs } : {}), ...opts };
    const provider = io.providers[capability] as PredictionProvider<typeof request, PredictionOutput<typeof capability>>;
    const suspend = () => new StepSuspended({ reason: opts.reason ?? `${capability} ${key}`, timeoutMs, pollIntervalMs });
    const mine = await load();
    const prior = mine[key]?.capability === capability ? mine[key] : undefined;
    if (prior) {
      const p = await provider.get(prior.id);
      if (p?.status === 'succeeded') {
        if (!prior.succeeded) await io.calls.seen(prior.id, p);
        mine[key] = { ...prior, succeeded: true };
        return p.output!;
      }
      await io.calls.seen(prior.id, p);
      if (p && p.status !== 'failed') throw suspend();
      if (p?.status === 'failed' && !p.error?.retryable) throw new FatalStepError(failureMessage(provider, p));
      if (prior.submits >= maxSubmits) {
        throw new FatalStepError(`${provider.name} failed ${prior.submits} times (${key}): ${p ? failureMessage(provider, p) : 'the provider lost the prediction'}`, 'PREDICTION_FAILED');
      }
    }
    const told: ProviderAttempt[] = [];
    const at = io.clock.now();
    const elapsed = () => io.clock.now().getTime() - at.getTime();
    let id: string;
    try {
      ({ id } = await provider.submit(request, {
        webhook: (p) => io.webhook({ prediction: p.id, status: p.status }),
        onAttempt: (a) => told.push(a),
      }));
    } catch (err) {
      await io.calls.submitted({ key, capability, at, attempts: attemptsOf(told, provider, elapsed(), { error: err }), predictionId: null });
      throw err;
    }
    const attempts = attemptsOf(told, provider, elapsed(), { id });
    // Recorded before the state: a webhook that comes at once finds its call (findByExternalId).
    await io.calls.submitted({ key, capability, at, attempts, predictionId: id });
    const record: PredictionRecord = { capability, id, submits: (prior?.submits ?? 0) + 1 };
    mine[key] = record;
    await io.setState({ [predictionsKey(io.step)]: { ...mine } }, submissionNote(`${capability} ${key}`, record.submits, attempts));
    // A provider that settles at once (the stub without a latency) finishes the step in this run.
    const early = await provider.get(id);
    await io.calls.seen(id, early);
    if (early?.status === 'succeeded') {
      mine[key] = { ...record, succeeded: true };
      return early.output!;
    }
    if (early?.status === 'failed') {
      const message = failureMessage(provider, early);
      // Retried as a step (with backoff): the run after submits again while submits are left.
      throw early.error?.retryable ? new RetryableStepError(message, 'PREDICTION_FAILED') : new FatalStepError(message);
    }
    throw suspend();
  };
}

/**
 * The engine's poll of a step that defines no `poll` of its own: done once none of its predictions
 * is starting or processing (settled, or lost: the step runs again and `predict` decides). Null when
 * the step has no prediction (nothing to poll).
 */
export async function pollPredictions(state: JsonObject, step: string, providers: Providers, calls?: CallRecorder): Promise<PollResult | null> {
  const records = Object.entries(recordsIn(state, step));
  if (records.length === 0) return null;
  const seen = await Promise.all(records.map(async ([key, r]) => {
    if (r.succeeded) return { key, id: r.id, status: 'succeeded' as const };
    const p = await providers[r.capability].get(r.id);
    await calls?.seen(r.id, p);
    return { key, id: r.id, status: p?.status ?? 'lost' };
  }));
  const pending = seen.some((s) => s.status === 'starting' || s.status === 'processing');
  return pending ? { done: false } : { done: true, event: { predictions: seen } };
}

/**
 * The trace's line of a submission: who served it (the trace says which provider took each call),
 * and each provider that failed it before, e.g.
 * `image keyframe: fal failed (fal: 503 overloaded); submitted to replicate (flux-schnell), id abc (submit 2)`.
 */
function submissionNote(what: string, submits: number, attempts: ProviderAttempt[]): string {
  const parts = attempts.map((a) => a.error
    ? `${a.provider} failed (${a.error.message.slice(0, 200)})`
    : `submitted to ${a.provider}${a.model ? ` (${a.model})` : ''}${a.id ? `, id ${externalIdOf(a.id)}` : ''}`);
  return `${what}: ${parts.join('; ')}${submits > 1 ? ` (submit ${submits})` : ''}`;
}

const failureMessage = (provider: { name: string }, p: Prediction<unknown>) => p.error?.message ?? `${provider.name}: the prediction failed`;
