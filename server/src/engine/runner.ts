import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { FatalStepError, LeaseLostError, RetryableStepError, retryDelayMs } from '../core/jobs/step-errors';
import type { JobSnapshot, QueueMessage } from '../core/ports/queue';
import type { Asset, Job, JobStep, Json, JsonObject, Repos } from '../core/ports/store';
import { refundItem, refundUnfinished } from '../services/credits/ledger';
import type { Deps } from '../services/deps';
import { enqueueJob } from '../services/jobs/enqueue';
import { publishJob } from '../services/jobs/job-events';
import { transition } from '../services/jobs/transition';
import { resumeWait } from '../services/jobs/waits';
import { purgeUndelivered, releaseQuotaUnlessDelivered } from '../services/jobs/withhold-undelivered';
import type { AssetInput, PipelineDef, PipelineRegistry, StepContext, StepDef, StepOutcome } from './pipeline';
import { outputReader, pipelineResult } from './pipeline-checks';

const DEFAULT_MAX_ATTEMPTS = 3;
/** The history note of a job given back by a stopping worker (not a loss: it does not count toward poison). */
export const RELEASED_AT_SHUTDOWN = 'worker stopping; requeued';

export interface RunnerOptions {
  workerId?: string;
}

/** Executes one run of a job: claims it, runs the steps not yet done, and settles it. */
export class PipelineRunner {
  readonly workerId: string;
  /** Each run in progress: its abort, by job id. */
  private readonly active = new Map<AbortController, string>();

  constructor(
    private readonly deps: Deps,
    private readonly pipelines: PipelineRegistry,
    opts: RunnerOptions = {},
  ) {
    this.workerId = opts.workerId ?? `w-${randomUUID().slice(0, 8)}`;
  }

  /** The queue handler: at-least-once delivery is made safe by the claim and per-step records. */
  handle = async (msg: QueueMessage): Promise<void> => {
    const ahead = msg.job && msg.run === 1 ? await this.runAhead(msg.jobId, msg.run, msg.job) : null;
    if (ahead === 'completed') return;
    const claimed = ahead ?? (await this.claim(msg));
    if (!claimed) return;
    const { job, steps } = claimed;
    const pipeline = this.pipelines.get(job.pipeline);
    if (!pipeline) {
      await this.fail(job, { code: 'UNKNOWN_PIPELINE', message: `No pipeline ${job.pipeline}` });
      return;
    }
    const abort = new AbortController();
    this.active.set(abort, job.id);
    const heartbeat = setInterval(() => void this.renewLease(job.id, abort), Math.max(50, this.deps.settings.leaseMs / 3));
    try {
      await this.runSteps(pipeline, job, steps, abort.signal);
    } catch (err) {
      if (!(err instanceof LeaseLostError) && !abort.signal.aborted) throw err;
    } finally {
      clearInterval(heartbeat);
      this.active.delete(abort);
    }
  };

  /** Simulates a crash for tests: every running job stops where it is, writing nothing more. */
  abandonAll(): void {
    for (const a of this.active.keys()) a.abort(new LeaseLostError('abandoned'));
  }

  /** How many runs are in progress in this worker. */
  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Gives every running job back (queued again for its next run, enqueued for another worker or the
   * next start) and stops its step. The job is released first, under its row lock, so whatever the
   * step still tries to write is refused as no longer this worker's.
   */
  async releaseAll(): Promise<void> {
    for (const [abort, jobId] of [...this.active]) {
      const now = this.deps.clock.now();
      const released = await this.deps.store.tx(async (repos) => {
        const current = await repos.jobs.getForUpdate(jobId);
        if (!current || current.status !== 'running' || current.leaseOwner !== this.workerId) return null;
        return transition(repos, current, 'queued', { run: current.run + 1, leaseOwner: null, leaseUntil: null }, RELEASED_AT_SHUTDOWN, now);
      }).catch((err: unknown) => {
        this.deps.log.error({ err, jobId }, 'could not give the job back; its lease will expire');
        return null;
      });
      abort.abort(new LeaseLostError('released at shutdown'));
      if (released) {
        await publishJob(this.deps, released);
        await enqueueJob(this.deps, released);
      }
    }
  }

  /** A context for a step's `poll`, outside any run: it reads job state; its writes are refused. */
  pollContext(job: Job, step: StepDef): StepContext {
    return this.context(job, step, {}, undefined, 0, new AbortController().signal, (f) => f);
  }

  private async claim(msg: QueueMessage): Promise<{ job: Job; steps: JobStep[] } | null> {
    const now = this.deps.clock.now();
    const job = await this.deps.store.relaxed((r) =>
      r.jobs.claim(msg.jobId, msg.run, this.workerId, new Date(now.getTime() + this.deps.settings.leaseMs), now),
    );
    if (!job) return null;
    await publishJob(this.deps, job);
    // A job's first run has no step records yet: skip the read.
    const firstRun = job.history.filter((h) => h.status === 'running').length === 1;
    const steps = firstRun ? [] : await this.deps.store.read((r) => r.steps.list(job.id));
    return { job, steps };
  }

  /**
   * Runs a first run's leading local steps from the message's snapshot, then claims the job and
   * records them in one statement. Null when there is nothing to run ahead, a local step did not
   * simply return an output (it threw, waited or tried to write), or the job is not queued in this
   * run any more: the ordinary claim then decides, and runs those steps again if it takes the job.
   */
  private async runAhead(jobId: string, run: number, snapshot: JobSnapshot): Promise<{ job: Job; steps: JobStep[] } | 'completed' | null> {
    const pipeline = this.pipelines.get(snapshot.pipeline);
    if (!pipeline?.steps[0]?.local) return null;
    const draft = jobFromSnapshot(jobId, run, snapshot);
    const totalWeight = pipeline.steps.reduce((a, s) => a + s.weight, 0) || 1;
    const outputs: Record<string, Json> = {};
    const records: JobStep[] = [];
    let doneWeight = 0;
    // Writes through the context need the claim, so they fail here (LeaseLostError) and send the step the ordinary way.
    const signal = new AbortController().signal;
    for (const step of pipeline.steps) {
      if (!step.local) break;
      const startedAt = this.deps.clock.now();
      const base = doneWeight / totalWeight;
      const span = step.weight / totalWeight;
      let outcome: StepOutcome | void;
      try {
        outcome = await step.run(this.context(draft, step, outputs, undefined, 1, signal, (f) => base + span * f));
      } catch {
        // Not lost: the ordinary claim runs the step again, and reports what it throws there.
        return null;
      }
      if (outcome && 'wait' in outcome) return null;
      const output = (outcome && 'output' in outcome ? outcome.output : null) ?? null;
      outputs[step.name] = output;
      doneWeight += step.weight;
      records.push({ jobId, name: step.name, status: 'done', attempts: 1, output, error: null, startedAt, finishedAt: this.deps.clock.now() });
    }
    const whole = records.length === pipeline.steps.length && draft.itemCount === 0;
    const now = this.deps.clock.now();
    const job = await this.deps.store.relaxed(async (r) =>
      r.jobs.claimAhead({
        jobId, run, workerId: this.workerId, leaseUntil: new Date(now.getTime() + this.deps.settings.leaseMs), now,
        steps: records,
        trace: records.map((s) => ({ at: s.finishedAt!.toISOString(), step: s.name, message: 'done' })),
        progress: doneWeight / totalWeight,
        ...(whole ? { complete: { result: await pipelineResult(pipeline, draft, outputs) } } : {}),
      }),
    );
    if (!job) return null;
    await publishJob(this.deps, job);
    return whole ? 'completed' : { job, steps: records };
  }

  private async renewLease(jobId: string, abort: AbortController): Promise<void> {
    if (abort.signal.aborted) return;
    const now = this.deps.clock.now();
    try {
      const ok = await this.deps.store.relaxed((repos) => repos.jobs.renewLease(jobId, this.workerId, new Date(now.getTime() + this.deps.settings.leaseMs), now));
      if (!ok) abort.abort(new LeaseLostError('lease lost'));
    } catch (err) {
      this.deps.log.warn({ err, jobId }, 'lease renewal failed');
    }
  }

  /** A guarded write: it applies only while this worker still owns the running job. */
  private async owned<T>(jobId: string, fn: (repos: Repos, job: Job) => Promise<T>): Promise<T> {
    return this.deps.store.tx(async (repos) => {
      const job = await repos.jobs.getForUpdate(jobId);
      if (!job || job.status !== 'running' || job.leaseOwner !== this.workerId) throw new LeaseLostError('lease lost');
      return fn(repos, job);
    });
  }

  private async runSteps(pipeline: PipelineDef, initial: Job, steps: JobStep[], signal: AbortSignal): Promise<void> {
    let job = initial;
    const byName = new Map(steps.map((s) => [s.name, s]));
    const outputs: Record<string, Json> = {};
    const totalWeight = pipeline.steps.reduce((a, s) => a + s.weight, 0) || 1;
    let doneWeight = 0;
    const pending = pipeline.steps.filter((step) => {
      const record = byName.get(step.name);
      if (record?.status !== 'done') return true;
      outputs[step.name] = record.output;
      doneWeight += step.weight;
      return false;
    });

    for (const [i, step] of pending.entries()) {
      if (signal.aborted) throw new LeaseLostError('lease lost');
      const record = byName.get(step.name);
      // Attempts count failures only; a crash mid-step is the reconciler's to count.
      const attempt = (record?.status === 'failed' ? record.attempts : 0) + 1;
      // A resumed wait's payload rides in the step's output until the step is done, surviving crashes and retries.
      const prevOutput = record?.output ?? null;
      const event = (prevOutput as JsonObject | null)?.event;
      const startedAt = this.deps.clock.now();
      const base = doneWeight / totalWeight;
      const span = step.weight / totalWeight;
      const ctx = this.context(job, step, outputs, event, attempt, signal, (f) => base + span * Math.min(1, Math.max(0, f)));

      let outcome: StepOutcome | void;
      try {
        // A cancelled job or a lost lease frees this worker at once, even if the step ignores the signal.
        outcome = await Promise.race([step.run(ctx), aborted(signal)]);
      } catch (err) {
        if (err instanceof LeaseLostError || signal.aborted) throw err;
        await this.stepFailed(job, step, attempt, err, prevOutput);
        return;
      }
      if (signal.aborted) throw new LeaseLostError('lease lost');

      if (outcome && 'wait' in outcome) {
        await this.startWait(job, step, attempt, outcome.wait, base);
        return;
      }
      const output = (outcome && 'output' in outcome ? outcome.output : null) ?? null;
      doneWeight += step.weight;
      outputs[step.name] = output;
      const now = this.deps.clock.now();
      const last = i === pending.length - 1;
      // The last step of a job without items completes the job in the same statement.
      const complete = last && job.itemCount === 0
        ? { result: await pipelineResult(pipeline, job, outputs), at: now }
        : undefined;
      const updated = await this.deps.store.relaxed((r) =>
        r.jobs.finishStep({
          step: { jobId: job.id, name: step.name, status: 'done', attempts: attempt, output, error: null, startedAt, finishedAt: now },
          workerId: this.workerId,
          progress: doneWeight / totalWeight,
          trace: { at: now.toISOString(), step: step.name, message: 'done' },
          complete,
        }),
      );
      if (!updated) throw new LeaseLostError('lease lost');
      job = updated;
      await publishJob(this.deps, job, { step: step.name });
      if (complete) return;
    }

    const result = await pipelineResult(pipeline, job, outputs);
    const done = await this.owned(job.id, async (repos, current) => {
      // Items still pending when every step is done were never produced: refund them.
      const items = await repos.items.list(job.id);
      for (const item of items.filter((i) => i.status === 'pending' || i.status === 'running')) {
        await repos.items.update(job.id, item.idx, { status: 'failed', error: { code: 'NOT_PRODUCED', message: 'Item was not produced' } });
        await refundItem(repos, job, item.idx, 'item not produced');
      }
      return transition(repos, current, 'completed', {
        progress: 1, result, leaseOwner: null, leaseUntil: null, finishedAt: this.deps.clock.now(),
      }, undefined, this.deps.clock.now());
    });
    if (done) {
      await publishJob(this.deps, done);
      // Outputs of items that failed were refunded: their objects go too. A job without items
      // delivers all it made on completion, so the common path reads nothing more.
      if (done.itemCount > 0) await purgeUndelivered(this.deps, done.id);
    }
  }

  private context(
    job: Job,
    step: StepDef,
    outputs: Record<string, Json>,
    event: Json | undefined,
    attempt: number,
    signal: AbortSignal,
    overall: (f: number) => number,
  ): StepContext {
    const deps = this.deps;
    let lastProgressAt = 0;
    return {
      // The raw input: the checked step parses it with its pipeline's schema (pipeline-checks.ts).
      job, input: job.input, outputs, output: outputReader(outputs), event, attempt, signal,
      // Narrow capabilities: reads of storage, providers and media; every write goes through the guarded methods below.
      storage: { get: (key, maxBytes) => deps.storage.get(key, maxBytes) },
      providers: deps.providers, media: deps.media, clock: deps.clock, log: deps.log,
      webhook: (payload) => {
        void resumeWait(deps, job.id, { step: step.name }, payload).catch((err: unknown) =>
          deps.log.warn({ err, jobId: job.id, step: step.name }, 'webhook could not resume the wait; a poll will'),
        );
      },
      progress: async (fraction, message) => {
        const nowMs = deps.clock.now().getTime();
        // Progress is advisory: at most a few writes a second per job.
        if (nowMs - lastProgressAt < 200 && fraction < 1) return;
        lastProgressAt = nowMs;
        const updated = await this.owned(job.id, (repos) => repos.jobs.update(job.id, { progress: overall(fraction) }));
        if (updated) await publishJob(deps, updated, { step: step.name, ...(message ? { message } : {}) });
      },
      trace: async (message) => {
        await this.owned(job.id, (repos, current) =>
          repos.jobs.update(job.id, { trace: [...current.trace, { at: deps.clock.now().toISOString(), step: step.name, message }] }),
        );
      },
      saveAsset: async (input: AssetInput) => {
        // Nothing is written for a job that is no longer this worker's (cancelled, failed, taken over).
        if (signal.aborted) throw new LeaseLostError('lease lost');
        const current = await deps.store.read((r) => r.jobs.get(job.id));
        if (!current || current.status !== 'running' || current.leaseOwner !== this.workerId) throw new LeaseLostError('lease lost');
        // A key of its own per write: a worker that lost the job between its object and its row
        // deletes only its own object, never the one a new owner wrote for the same slot.
        const storageKey = `jobs/${job.id}/${input.slot}.${randomBytes(4).toString('hex')}.${input.ext}`;
        await deps.storage.put(storageKey, input.body, input.mime);
        const sha256 = createHash('sha256').update(input.body).digest('hex');
        let saved: { asset: Asset; replaced: string | null };
        try {
          saved = await this.owned(job.id, async (repos) => {
            const previous = (await repos.assets.listForJob(job.id)).find((a) => a.slot === input.slot);
            const asset = await repos.assets.upsert({
              id: `ast_${randomUUID().replace(/-/g, '')}`,
              userId: job.userId, jobId: job.id, slot: input.slot, itemIdx: input.item ?? null, kind: input.kind, storageKey,
              mime: input.mime, size: input.body.length, width: input.width ?? null, height: input.height ?? null,
              durationSec: input.durationSec ?? null, sha256, phash: input.phash ?? null, meta: { key: input.slot, ...input.meta },
            });
            return { asset, replaced: previous && previous.storageKey !== storageKey ? previous.storageKey : null };
          });
        } catch (err) {
          await deps.storage.delete(storageKey).catch((e) => deps.log.warn({ err: e, storageKey }, 'could not delete an orphaned object'));
          throw err;
        }
        // A resumed step replaced the slot's earlier object: that one is no longer anyone's.
        if (saved.replaced) await deps.storage.delete(saved.replaced).catch((e) => deps.log.warn({ err: e, key: saved.replaced }, 'could not delete a replaced object'));
        return saved.asset;
      },
      setState: async (patch) => {
        await this.owned(job.id, (repos, current) => repos.jobs.update(job.id, { state: { ...current.state, ...patch } }));
      },
      items: () => deps.store.read((r) => r.items.list(job.id)),
      settleItem: async (idx, result) => {
        await this.owned(job.id, async (repos) => {
          if ('output' in result) {
            await repos.items.update(job.id, idx, { status: 'done', output: result.output, error: null });
          } else {
            await repos.items.update(job.id, idx, { status: 'failed', error: result.error });
            await refundItem(repos, job, idx, `item failed: ${result.error.code}`);
          }
        });
      },
    };
  }

  private async startWait(
    job: Job,
    step: StepDef,
    attempt: number,
    wait: { reason: string; timeoutMs: number; pollIntervalMs?: number },
    progress: number,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const waiting = await this.owned(job.id, async (repos, current) => {
      await repos.steps.upsert({
        jobId: job.id, name: step.name, status: 'waiting', attempts: attempt, output: null,
        error: null, startedAt: now, finishedAt: null,
      });
      return transition(repos, current, 'waiting', {
        progress,
        leaseOwner: null,
        leaseUntil: null,
        wait: { step: step.name, reason: wait.reason, token: randomUUID(), ...(wait.pollIntervalMs ? { pollIntervalMs: wait.pollIntervalMs } : {}) },
        waitDeadline: new Date(now.getTime() + wait.timeoutMs),
        nextPollAt: wait.pollIntervalMs ? new Date(now.getTime() + wait.pollIntervalMs) : null,
      }, wait.reason, now);
    });
    if (waiting) await publishJob(this.deps, waiting, { step: step.name, message: wait.reason });
  }

  private async stepFailed(job: Job, step: StepDef, attempt: number, err: unknown, prevOutput: Json): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof FatalStepError || err instanceof RetryableStepError ? err.code : 'STEP_FAILED';
    const retryable = err instanceof RetryableStepError || (isRetryableProviderError(err) && !(err instanceof FatalStepError));
    const maxAttempts = step.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.deps.log.warn({ jobId: job.id, step: step.name, attempt, err }, 'step failed');
    if (retryable && attempt < maxAttempts) {
      const now = this.deps.clock.now();
      const requeued = await this.owned(job.id, async (repos, current) => {
        await repos.steps.upsert({
          jobId: job.id, name: step.name, status: 'failed', attempts: attempt, output: prevOutput,
          error: { code, message }, startedAt: null, finishedAt: now,
        });
        return transition(repos, current, 'queued', {
          run: current.run + 1, leaseOwner: null, leaseUntil: null,
          trace: [...current.trace, { at: now.toISOString(), step: step.name, message: `attempt ${attempt} failed: ${message}` }],
        }, `retry ${step.name}`, now);
      });
      if (requeued) await enqueueJob(this.deps, requeued, retryDelayMs(attempt));
      return;
    }
    await this.owned(job.id, (repos) =>
      repos.steps.upsert({
        jobId: job.id, name: step.name, status: 'failed', attempts: attempt, output: null,
        error: { code, message }, startedAt: null, finishedAt: this.deps.clock.now(),
      }),
    );
    await this.fail(job, { code, message, step: step.name });
  }

  private async fail(job: Job, error: { code: string; message: string; step?: string }): Promise<void> {
    const failed = await this.deps.store.tx(async (repos) => {
      const current = await repos.jobs.getForUpdate(job.id);
      if (!current) return null;
      return failJob(repos, current, error, this.deps.clock.now());
    });
    if (failed) {
      await publishJob(this.deps, failed);
      await purgeUndelivered(this.deps, failed.id);
    }
  }
}

/**
 * Fails a job and gives back what it was charged for work not delivered, in the caller's
 * transaction; the caller then calls purgeUndelivered after the commit (core/jobs/delivery).
 */
export async function failJob(
  repos: Repos,
  job: Job,
  error: { code: string; message: string; step?: string },
  now: Date,
): Promise<Job | null> {
  const items = await repos.items.list(job.id);
  for (const item of items.filter((i) => i.status === 'pending' || i.status === 'running')) {
    await repos.items.update(job.id, item.idx, { status: 'failed', error: { code: error.code, message: error.message } });
  }
  const failed = await transition(repos, job, 'failed', {
    error: error as unknown as JsonObject, leaseOwner: null, leaseUntil: null, wait: null,
    waitDeadline: null, nextPollAt: null, finishedAt: now,
  }, error.code, now);
  if (!failed) return null;
  const settled = await repos.items.list(job.id);
  const refunded = await refundUnfinished(repos, job, { jobCompleted: false, items: settled, reason: `job failed: ${error.code}` });
  await releaseQuotaUnlessDelivered(repos, job, settled);
  if (refunded > 0) {
    return repos.jobs.update(job.id, { error: { ...error, refunded } as unknown as JsonObject });
  }
  return failed;
}

/** The job as its first run's message describes it, for steps that run before the claim. */
function jobFromSnapshot(id: string, run: number, s: JobSnapshot): Job {
  const createdAt = new Date(s.createdAt);
  return {
    id, run, userId: s.userId, app: s.app, pipeline: s.pipeline, input: s.input, state: s.state, entityKey: s.entityKey,
    itemCount: s.itemCount, status: 'queued', progress: 0, result: null, error: null, history: [], trace: [],
    leaseOwner: null, leaseUntil: null, wait: null, waitDeadline: null, nextPollAt: null,
    createdAt, updatedAt: createdAt, startedAt: null, finishedAt: null,
    // Never published: the claim that records these steps returns the row's own sequence.
    eventSeq: 0,
  };
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new LeaseLostError('aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function isRetryableProviderError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
