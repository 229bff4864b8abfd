import { LeaseLostError, retryDelayMs } from '../core/jobs/step-errors';
import { isResumed, jobWaitOf } from '../core/jobs/step-waits';
import type { Job, JobStep, Json, Repos } from '../core/ports/store';
import type { Deps } from '../services/deps';
import { afterCommit, afterHotMove, moveJob, type Moved } from '../services/jobs/move-job';
import type { PipelineDef, StepContext, StepDef } from './pipeline';
import { pipelineResult } from './pipeline-checks';
import { allDone, doneOutputs, nextAttempt, phasesOf, progressOf, readySteps, resumedEvent, type StepPhase } from './scheduler';
import { doneRecord, runStep, stepWaitOf } from './step-run';

/** What a run of a job's steps uses of its runner (runner.ts): the step context and the lease-guarded writes. */
export interface RunHost {
  deps: Deps;
  workerId: string;
  /** The step's context; `overall` maps the step's own fraction to the job's progress. */
  context(job: Job, step: StepDef, outputs: Record<string, Json>, event: Json | undefined, attempt: number, signal: AbortSignal, overall: (f: number) => number): StepContext;
  /** Runs `fn` in a transaction only while this worker owns the running job (else LeaseLostError). */
  owned<T>(jobId: string, fn: (repos: Repos, job: Job) => Promise<T>): Promise<T>;
  /** Fails the job and refunds what was not delivered, once. */
  fail(job: Job, error: { code: string; message: string; step?: string }): Promise<void>;
}

/** Drives one claimed run of a job: its ready steps side by side, until the job completes, fails, is requeued or waits. */
export class StepsRun {
  constructor(private readonly host: RunHost) {}

  /**
   * Runs the job's steps that are not done, each as soon as the steps it needs are done, at most
   * `jobStepConcurrency` at once, until nothing runs; then the job is completed, requeued for a
   * step's retry, or left waiting for its waiting steps' events (see settle()). A fatal failure
   * (or a retryable one out of attempts) aborts the running siblings and fails the job once.
   * Throws LeaseLostError when the job stops being this worker's (cancel, lease lost).
   */
  async run(pipeline: PipelineDef, initial: Job, records: JobStep[], abort: AbortController): Promise<void> {
    const signal = abort.signal;
    const run: RunState = {
      pipeline,
      job: initial,
      records: new Map(records.map((r) => [r.name, r])),
      phases: phasesOf(pipeline, records),
      outputs: doneOutputs(records),
      fractions: new Map(),
      attempts: new Map(pipeline.steps.map((s) => [s.name, nextAttempt(records.find((r) => r.name === s.name))])),
      backoff: new Map(),
      ended: false,
      writes: Promise.resolve(),
    };
    const running = new Map<string, Promise<void>>();
    let lost: unknown = null;
    for (;;) {
      for (;;) {
        if (lost) {
          // The run stops on an unexpected error: its other steps stop too, rather than write under a
          // lease nobody renews. Logged here, since the runner does not rethrow once the run is aborted.
          if (!(lost instanceof LeaseLostError)) this.host.deps.log.error({ err: lost, jobId: run.job.id }, 'job run stopped');
          abort.abort(new LeaseLostError('run stopped'));
          throw lost;
        }
        if (run.ended) {
          await Promise.all(running.values());
          return;
        }
        if (signal.aborted) throw new LeaseLostError('lease lost');
        // Backoffs are waited out with real timers, so they are read on real time too.
        const nowMs = Date.now();
        const backingOff = [...run.backoff].filter(([, at]) => at > nowMs).map(([name]) => name);
        for (const step of readySteps(pipeline, run.phases, new Set([...running.keys(), ...backingOff]))) {
          if (running.size >= this.host.deps.settings.jobStepConcurrency) break;
          run.backoff.delete(step.name);
          const task = this.runOne(run, step, abort)
            .catch((err: unknown) => {
              if (!run.ended) lost ??= err;
            })
            .finally(() => running.delete(step.name));
          running.set(step.name, task);
        }
        if (running.size === 0) break;
        // Wake when a step ends, or when a step backing off may be tried again beside the others.
        // Only a backoff still to come: one already due waits for a slot, which a step ending frees.
        const nextRetry = Math.min(...[...run.backoff.values()].filter((at) => at > nowMs));
        let timer: NodeJS.Timeout | undefined;
        const retryDue = Number.isFinite(nextRetry) ? new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, nextRetry - nowMs)))) : null;
        await Promise.race([...running.values(), ...(retryDue ? [retryDue] : [])]);
        clearTimeout(timer);
      }
      if (!(await this.settle(run))) return;
    }
  }

  /** Runs one step of the run and records how it ended; see run(). */
  private async runOne(run: RunState, step: StepDef, abort: AbortController): Promise<void> {
    const { pipeline } = run;
    const attempt = run.attempts.get(step.name)!;
    const record = run.records.get(step.name);
    const startedAt = this.host.deps.clock.now();
    const overall = (f: number) => {
      run.fractions.set(step.name, Math.max(run.fractions.get(step.name) ?? 0, Math.min(1, Math.max(0, f))));
      return progressOf(pipeline, run.phases, run.fractions);
    };
    const ctx = this.host.context(run.job, step, run.outputs, resumedEvent(record), attempt, abort.signal, overall);
    const result = await runStep(step, ctx, abort.signal, this.host.deps.metrics);
    if (run.ended) return;

    if (result.kind === 'done') {
      // One step record at a time: the one that finds every step done completes the job in the same statement.
      await serially(run, async () => {
        run.phases.set(step.name, 'done');
        run.outputs[step.name] = result.output;
        const now = this.host.deps.clock.now();
        const job = run.job;
        const complete = allDone(run.phases) && job.itemCount === 0
          ? { result: await pipelineResult(pipeline, job, run.outputs), at: now }
          : undefined;
        const updated = await this.host.deps.store.relaxed((r) =>
          r.jobs.finishStep({
            step: doneRecord(job.id, step.name, attempt, result.output, startedAt, now),
            workerId: this.host.workerId,
            progress: progressOf(pipeline, run.phases, run.fractions),
            trace: { at: now.toISOString(), step: step.name, message: 'done' },
            complete,
          }),
        );
        if (!updated) throw new LeaseLostError('lease lost');
        run.job = updated;
        if (complete) run.ended = true;
        await afterHotMove(this.host.deps, updated, { step: step.name });
      });
      return;
    }

    if (result.kind === 'wait') {
      const now = this.host.deps.clock.now();
      const waiting: JobStep = {
        jobId: run.job.id, name: step.name, status: 'waiting', attempts: attempt, output: null, error: null,
        startedAt: now, finishedAt: null, wait: stepWaitOf(result.wait, now),
      };
      const recorded = await this.host.deps.store.relaxed((r) =>
        r.jobs.waitStep({ jobId: run.job.id, workerId: this.host.workerId, step: step.name, attempts: attempt, wait: waiting.wait!, at: now }),
      );
      if (!recorded) throw new LeaseLostError('lease lost');
      run.records.set(step.name, waiting);
      run.phases.set(step.name, 'waiting');
      return;
    }

    const { failure } = result;
    this.host.deps.log.warn({ jobId: run.job.id, step: step.name, attempt, err: failure.error }, 'step failed');
    if (failure.retry) {
      const now = this.host.deps.clock.now();
      // The resumed event, if any, stays in the output for the next attempt.
      const failed: JobStep = {
        jobId: run.job.id, name: step.name, status: 'failed', attempts: attempt, output: record?.output ?? null,
        error: { code: failure.code, message: failure.message }, startedAt: null, finishedAt: now, wait: null,
      };
      await this.host.owned(run.job.id, async (repos, current) => {
        await repos.steps.upsert(failed);
        await repos.jobs.update(run.job.id, {
          trace: [...current.trace, { at: now.toISOString(), step: step.name, message: `attempt ${attempt} failed: ${failure.message}` }],
        });
      });
      run.records.set(step.name, failed);
      run.phases.set(step.name, 'retry');
      run.attempts.set(step.name, attempt + 1);
      run.backoff.set(step.name, Date.now() + retryDelayMs(attempt));
      return;
    }
    // Fatal: the siblings stop (their writes are refused from here on) and the job fails once.
    run.ended = true;
    abort.abort(new LeaseLostError(`step ${step.name} failed`));
    await this.host.owned(run.job.id, (repos) =>
      repos.steps.upsert({
        jobId: run.job.id, name: step.name, status: 'failed', attempts: attempt, output: null,
        error: { code: failure.code, message: failure.message }, startedAt: null, finishedAt: this.host.deps.clock.now(), wait: null,
      }),
    );
    await this.host.fail(run.job, { code: failure.code, message: failure.message, step: step.name });
  }

  /**
   * Settles a run once nothing runs: completes the job when every step is done (unless the last
   * step's record did), requeues it when a step backs off before its retry (the slot is freed for
   * the backoff), or leaves it waiting with the earliest wait of its waiting steps. True when a
   * step was resumed meanwhile (its event came while the job ran): the run goes on with it.
   */
  private async settle(run: RunState): Promise<boolean> {
    const { job } = run;
    if (run.ended) return false;
    if (allDone(run.phases)) {
      await this.complete(run);
      return false;
    }
    const now = this.host.deps.clock.now();
    const progress = progressOf(run.pipeline, run.phases, run.fractions);
    if (run.backoff.size > 0) {
      const delay = Math.max(0, Math.min(...run.backoff.values()) - Date.now());
      const names = [...run.backoff.keys()].join(', ');
      const requeued = await this.host.owned(job.id, (repos, current) =>
        moveJob(repos, current, 'queued', {
          run: current.run + 1, leaseOwner: null, leaseUntil: null, progress: Math.max(current.progress, progress),
        }, { now, note: `retry ${names}`, delayMs: delay }),
      );
      await afterCommit(this.host.deps, requeued);
      return false;
    }
    // Under the job's lock, so that an event recorded while the job ran is seen here or finds the job waiting.
    const outcome = await this.host.owned(job.id, async (repos, current): Promise<{ resumed: JobStep[] } | { waiting: Moved | null }> => {
      const steps = await repos.steps.list(job.id);
      if (steps.some(isResumed)) return { resumed: steps };
      const wait = jobWaitOf(steps);
      if (!wait) throw new Error(`job ${job.id}: steps left that neither run nor wait`);
      const waiting = await moveJob(repos, current, 'waiting', {
        progress: Math.max(current.progress, progress), leaseOwner: null, leaseUntil: null, ...wait,
      }, { now, note: wait.wait.reason, event: { step: wait.wait.step, message: wait.wait.reason } });
      return { waiting };
    });
    if ('resumed' in outcome) {
      for (const record of outcome.resumed.filter(isResumed)) {
        run.records.set(record.name, record);
        run.phases.set(record.name, 'resumed');
      }
      return true;
    }
    await afterCommit(this.host.deps, outcome.waiting);
    return false;
  }

  /**
   * Completes a job whose steps are all done: moveJob fails and refunds the items never produced,
   * and afterCommit deletes the outputs of items that failed (a job without items reads nothing more).
   */
  private async complete(run: RunState): Promise<void> {
    const { job, pipeline } = run;
    const result = await pipelineResult(pipeline, job, run.outputs);
    const done = await this.host.owned(job.id, (repos, current) => {
      const now = this.host.deps.clock.now();
      return moveJob(repos, current, 'completed', {
        progress: 1, result, leaseOwner: null, leaseUntil: null, finishedAt: now,
      }, { now, reason: 'item not produced' });
    });
    await afterCommit(this.host.deps, done);
  }
}

/** One run of a job: what its steps have done so far, shared by the steps running side by side. */
interface RunState {
  pipeline: PipelineDef;
  /** The job as this run last wrote it. */
  job: Job;
  records: Map<string, JobStep>;
  phases: Map<string, StepPhase>;
  outputs: Record<string, Json>;
  /** Each running step's last reported fraction, 0..1. */
  fractions: Map<string, number>;
  /** The attempt each step's next run is. */
  attempts: Map<string, number>;
  /** Steps that failed in this run and back off before their retry: epoch ms they may start again. */
  backoff: Map<string, number>;
  /** The job failed or completed in this run: nothing more is started or written. */
  ended: boolean;
  writes: Promise<unknown>;
}

/** Runs `fn` after the run's earlier serial writes (each settles before the next starts). */
function serially<T>(run: RunState, fn: () => Promise<T>): Promise<T> {
  const next = run.writes.then(fn);
  run.writes = next.catch(() => undefined);
  return next;
}
