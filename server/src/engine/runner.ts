import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LeaseLostError } from '../core/jobs/step-errors';
import type { JobSnapshot, QueueMessage } from '../core/ports/queue';
import type { Asset, Job, JobEventFacts, JobStep, Json, JsonObject, Repos, TraceEntry } from '../core/ports/store';
import { refundItem } from '../services/credits/ledger';
import type { Deps } from '../services/deps';
import { failJob, type JobFailure } from '../services/jobs/fail-job';
import { publishJob } from '../services/jobs/job-events';
import { afterCommit, afterHotMove, moveJob } from '../services/jobs/move-job';
import { resumeWait } from '../services/jobs/waits';
import type { AssetInput, PipelineRegistry, StepContext, StepDef } from './pipeline';
import { allDone, phasesOf, progressOf, readySteps } from './scheduler';
import { doneRecord, runStep } from './step-run';
import { outputReader, pipelineResult } from './pipeline-checks';
import { StepsRun, type RunHost } from './steps-run';
import { predictor } from './predict';
import { callRecorder } from '../services/providers/provider-calls';

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

  /** What a run of steps (steps-run.ts) uses of this runner. */
  private readonly host: RunHost;

  constructor(
    private readonly deps: Deps,
    private readonly pipelines: PipelineRegistry,
    opts: RunnerOptions = {},
  ) {
    this.workerId = opts.workerId ?? `w-${randomUUID().slice(0, 8)}`;
    this.host = {
      deps, workerId: this.workerId,
      context: (...args) => this.context(...args),
      owned: (jobId, fn) => this.owned(jobId, fn),
      fail: (job, error) => this.fail(job, error),
    };
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
      await new StepsRun(this.host).run(pipeline, job, steps, abort);
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
        return moveJob(repos, current, 'queued', { run: current.run + 1, leaseOwner: null, leaseUntil: null }, { now, note: RELEASED_AT_SHUTDOWN });
      }).catch((err: unknown) => {
        this.deps.log.error({ err, jobId }, 'could not give the job back; its lease will expire');
        return null;
      });
      abort.abort(new LeaseLostError('released at shutdown'));
      await afterCommit(this.deps, released);
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
    await afterHotMove(this.deps, job);
    // A job's first run has no step records yet: skip the read.
    const firstRun = job.history.filter((h) => h.status === 'running').length === 1;
    const steps = firstRun ? [] : await this.deps.store.read((r) => r.steps.list(job.id));
    return { job, steps };
  }

  /**
   * Runs a first run's local steps that need only other local steps, from the message's snapshot,
   * then claims the job and records them in one statement. Null when there is nothing to run
   * ahead, a local step did not simply return an output (it threw, waited or tried to write), or
   * the job is not queued in this run any more: the ordinary claim then decides, and runs those
   * steps again if it takes the job.
   */
  private async runAhead(jobId: string, run: number, snapshot: JobSnapshot): Promise<{ job: Job; steps: JobStep[] } | 'completed' | null> {
    const pipeline = this.pipelines.get(snapshot.pipeline);
    if (!pipeline) return null;
    const phases = phasesOf(pipeline, []);
    const localReady = () => readySteps(pipeline, phases, new Set()).filter((s) => s.local);
    if (localReady().length === 0) return null;
    const draft = jobFromSnapshot(jobId, run, snapshot);
    const outputs: Record<string, Json> = {};
    const fractions = new Map<string, number>();
    const records: JobStep[] = [];
    // Writes through the context need the claim, so they fail here (LeaseLostError) and send the step the ordinary way.
    const signal = new AbortController().signal;
    for (let ready = localReady(); ready.length > 0; ready = localReady()) {
      for (const step of ready) {
        const startedAt = this.deps.clock.now();
        const ctx = this.context(draft, step, outputs, undefined, 1, signal, (f) => (fractions.set(step.name, f), progressOf(pipeline, phases, fractions)));
        // Not lost: the ordinary claim runs the step again, and reports what it throws there.
        const result = await runStep(step, ctx, signal, this.deps.metrics).catch(() => null);
        if (result?.kind !== 'done') return null;
        outputs[step.name] = result.output;
        phases.set(step.name, 'done');
        records.push(doneRecord(jobId, step.name, 1, result.output, startedAt, this.deps.clock.now()));
      }
    }
    const whole = allDone(phases) && draft.itemCount === 0;
    const now = this.deps.clock.now();
    const job = await this.deps.store.relaxed(async (r) =>
      r.jobs.claimAhead({
        jobId, run, workerId: this.workerId, leaseUntil: new Date(now.getTime() + this.deps.settings.leaseMs), now,
        steps: records,
        trace: records.map((s) => ({ at: s.finishedAt!.toISOString(), step: s.name, message: 'done' })),
        progress: progressOf(pipeline, phases, new Map()),
        ...(whole ? { complete: { result: await pipelineResult(pipeline, draft, outputs) } } : {}),
      }),
    );
    if (!job) return null;
    await afterHotMove(this.deps, job);
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

  /** A step's progress, state or trace write, in one statement under this worker's lease (jobs.writeOwned). */
  private async writeOwned(jobId: string, write: { progress?: number; state?: JsonObject; trace?: TraceEntry[] }): Promise<JobEventFacts> {
    const written = await this.deps.store.relaxed((repos) => repos.jobs.writeOwned({ jobId, workerId: this.workerId, ...write }));
    if (!written) throw new LeaseLostError('lease lost');
    return written;
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
    const ctx: StepContext = {
      // The raw input: the checked step parses it with its pipeline's schema (pipeline-checks.ts).
      job, input: job.input, outputs, output: outputReader(outputs), event, attempt, signal,
      // Narrow capabilities: reads of storage, providers and media; every write goes through the guarded methods below.
      storage: { get: (key, maxBytes) => deps.storage.get(key, maxBytes) },
      providers: deps.providers, gpu: deps.gpu, media: deps.media, clock: deps.clock, log: deps.log,
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
        // Steps run side by side: a late write never takes the job's progress back (writeOwned).
        const updated = await this.writeOwned(job.id, { progress: overall(fraction) });
        await publishJob(deps, updated, { step: step.name, ...(message ? { message } : {}) });
      },
      trace: async (message) => {
        await this.writeOwned(job.id, { trace: [{ at: deps.clock.now().toISOString(), step: step.name, message }] });
      },
      saveAsset: async (input: AssetInput) => {
        // Nothing is written for a job that is no longer this worker's (cancelled, failed, taken over):
        // the signal says so once the lease is lost, and the row's write below refuses it in any case.
        if (signal.aborted) throw new LeaseLostError('lease lost');
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
        await this.writeOwned(job.id, { state: patch });
      },
      items: () => deps.store.read((r) => r.items.list(job.id)),
      settleItem: async (idx, result) => {
        const onSettled = this.pipelines.get(job.pipeline)?.onItemSettled;
        await this.owned(job.id, async (repos, current) => {
          if ('output' in result) {
            await repos.items.update(job.id, idx, { status: 'done', output: result.output, error: null });
          } else {
            await repos.items.update(job.id, idx, { status: 'failed', error: result.error });
            await refundItem(repos, job, idx, `item failed: ${result.error.code}`);
          }
          await onSettled?.(repos, current, { idx, output: 'output' in result ? result.output : null, error: 'error' in result ? result.error : null }, deps.clock.now());
        });
      },
      predict: predictor({
        step: step.name, providers: deps.providers, clock: deps.clock,
        calls: callRecorder(deps, { jobId: job.id, step: step.name }),
        // Fresh, not `job.state`: a step resumed within a run sees its own earlier submissions.
        readState: async () => (await deps.store.read((r) => r.jobs.stateOf(job.id))) ?? job.state,
        setState: async (patch, trace) => {
          await this.writeOwned(job.id, { state: patch, ...(trace === undefined ? {} : { trace: [{ at: deps.clock.now().toISOString(), step: step.name, message: trace }] }) });
        },
        webhook: (event) => ctx.webhook(event),
        pollIntervalMs: deps.settings.predictionPollMs,
      }),
    };
    return ctx;
  }

  private async fail(job: Job, error: JobFailure): Promise<void> {
    const failed = await this.deps.store.tx(async (repos) => {
      const current = await repos.jobs.getForUpdate(job.id);
      return current ? failJob(repos, current, error, this.deps.clock.now()) : null;
    });
    await afterCommit(this.deps, failed);
  }
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
