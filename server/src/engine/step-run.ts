import { randomUUID } from 'node:crypto';
import { FatalStepError, LeaseLostError, RetryableStepError } from '../core/jobs/step-errors';
import type { Metrics } from '../core/ports/metrics';
import type { JobStep, Json, StepWait } from '../core/ports/store';
import type { StepContext, StepDef, StepOutcome } from './pipeline';
import { StepSuspended } from './predict';

const DEFAULT_MAX_ATTEMPTS = 3;

export type WaitRequest = Extract<StepOutcome, { wait: unknown }>['wait'];

/** How one run of a step ended (a lost lease or a cancel is thrown instead: LeaseLostError). */
export type StepResult =
  | { kind: 'done'; output: Json }
  | { kind: 'wait'; wait: WaitRequest }
  | { kind: 'failed'; failure: StepFailure };

export interface StepFailure {
  code: string;
  message: string;
  /** True when the step may be tried again: a retryable error and attempts left (StepDef.maxAttempts, default 3). */
  retry: boolean;
  /** What the step threw, for the log (its stack and cause). */
  error: unknown;
}

/**
 * Runs one step once: done, failed, or waiting (returned as a wait, or `ctx.predict` suspended it). Throws LeaseLostError when `signal` aborts (a cancelled job, a lost lease, a
 * sibling's fatal failure): the worker is freed at once even if the step ignores the signal, and
 * whatever the step still does is refused by the context's lease guard.
 * `metrics` gets the run's wall time by pipeline, step and how it ended (an aborted run is not counted).
 */
export async function runStep(step: StepDef, ctx: StepContext, signal: AbortSignal, metrics?: Metrics): Promise<StepResult> {
  // Real time, not the deps' clock: a test clock stands still.
  const started = performance.now();
  const result = await runStepOnce(step, ctx, signal);
  metrics?.stepRun({
    pipeline: ctx.job.pipeline, step: step.name, seconds: (performance.now() - started) / 1000,
    outcome: result.kind === 'wait' ? 'waiting' : result.kind,
  });
  return result;
}

async function runStepOnce(step: StepDef, ctx: StepContext, signal: AbortSignal): Promise<StepResult> {
  let outcome: StepOutcome | void;
  try {
    outcome = await untilAborted(step.run(ctx), signal);
  } catch (err) {
    if (err instanceof LeaseLostError || signal.aborted) throw err instanceof LeaseLostError ? err : new LeaseLostError('aborted');
    // ctx.predict found its prediction unsettled: the step waits for it (engine/predict.ts).
    if (err instanceof StepSuspended) return { kind: 'wait', wait: err.wait };
    return { kind: 'failed', failure: failureOf(step, ctx.attempt, err) };
  }
  if (signal.aborted) throw new LeaseLostError('lease lost');
  if (outcome && 'wait' in outcome) return { kind: 'wait', wait: outcome.wait };
  return { kind: 'done', output: (outcome && 'output' in outcome ? outcome.output : null) ?? null };
}

/** A step error's code and message, and whether the step is tried again (a provider error says so itself). */
export function failureOf(step: Pick<StepDef, 'maxAttempts'>, attempt: number, err: unknown): StepFailure {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof FatalStepError || err instanceof RetryableStepError ? err.code : 'STEP_FAILED';
  const retryable = err instanceof RetryableStepError || (isRetryableProviderError(err) && !(err instanceof FatalStepError));
  return { code, message, retry: retryable && attempt < (step.maxAttempts ?? DEFAULT_MAX_ATTEMPTS), error: err };
}

/** The record of a step done in `attempt`. */
export const doneRecord = (jobId: string, name: string, attempt: number, output: Json, startedAt: Date, finishedAt: Date): JobStep => ({
  jobId, name, status: 'done', attempts: attempt, output, error: null, startedAt, finishedAt, wait: null,
});

/** A step's wait as its record keeps it: a fresh token, the deadline and first poll from `now`. */
export function stepWaitOf(wait: WaitRequest, now: Date): StepWait {
  return {
    reason: wait.reason,
    token: randomUUID(),
    deadline: new Date(now.getTime() + wait.timeoutMs).toISOString(),
    ...(wait.pollIntervalMs
      ? { pollIntervalMs: wait.pollIntervalMs, nextPollAt: new Date(now.getTime() + wait.pollIntervalMs).toISOString() }
      : {}),
  };
}

/**
 * `work`, or a rejection as soon as `signal` aborts (LeaseLostError unless it carries its own
 * reason). The abort listener is removed once `work` settles: every step of a run shares the run's
 * signal, and a listener per step left behind would pile up on it (a render has 38 steps).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const reason = () => (signal.reason instanceof Error ? signal.reason : new LeaseLostError('aborted'));
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const fail = () => reject(reason());
    signal.addEventListener('abort', fail, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', fail));
  });
}

function isRetryableProviderError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}

/**
 * For a step that owns one job item (ctx.settleItem): what to settle the item with when `err` ends
 * that item (a fatal error, or a retryable one out of attempts), so one item's failure does not
 * fail its siblings' job. Rethrows what the engine must handle itself: a prediction to wait for,
 * a lost lease, a retry still due.
 */
export function itemFailureOf(step: Pick<StepDef, 'maxAttempts'>, attempt: number, err: unknown): { code: string; message: string } {
  if (err instanceof StepSuspended || err instanceof LeaseLostError) throw err;
  const failure = failureOf(step, attempt, err);
  if (failure.retry) throw err;
  return { code: failure.code, message: failure.message };
}
