import { isWaiting, jobWaitOf, pollDelayAfter } from '../core/jobs/step-waits';
import type { Job } from '../core/ports/store';
import type { Deps } from '../services/deps';
import { enqueueJob } from '../services/jobs/enqueue';
import { failJob } from '../services/jobs/fail-job';
import { afterCommit, moveJob } from '../services/jobs/move-job';
import { resumeWait } from '../services/jobs/waits';
import { sweepUnusedUploads } from '../services/uploads/upload-sweeper';
import { sweepEndedCounters } from '../services/identity/counter-sweeper';
import type { PipelineRegistry, PollResult } from './pipeline';
import { pollPredictions } from './predict';
import { callRecorder } from '../services/providers/provider-calls';
import type { PipelineRunner } from './runner';

/** The history note of a running job the reconciler requeued after its worker stopped renewing the lease. */
export const WORKER_LOST = 'worker lost; requeued';
/** How many times a job may lose its worker before it is failed instead of requeued. */
export const MAX_WORKER_LOSSES = 3;

export interface ReconcilerOptions {
  /** A queued job untouched this long is enqueued again (the crash between commit and enqueue). */
  staleQueuedMs: number;
  batch?: number;
  /** How often a tick also deletes unused uploads and ended rate-limit counters (upload-sweeper, counter-sweeper) and runs the apps' sweeps. */
  sweepUploadsEveryMs?: number;
  /** The apps' own housekeeping (AppModule.sweep), run with the uploads' sweep. */
  sweeps?: readonly ((deps: Deps, now: Date) => Promise<number>)[];
}

/**
 * Repairs what crashes leave behind and drives time-based transitions: re-enqueues stale queued jobs,
 * takes back running jobs whose worker died, fails waits past their deadline, polls providers, and
 * now and then deletes unused uploads.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastSweepAt = 0;

  constructor(
    private readonly deps: Deps,
    private readonly pipelines: PipelineRegistry,
    private readonly runner: PipelineRunner,
    private readonly opts: ReconcilerOptions,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().catch((err) => this.deps.log.error({ err }, 'reconciler tick failed')).finally(() => (this.running = null));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const batch = this.opts.batch ?? 100;
    const { stale, expiredLeases, expiredWaits, duePolls } = await this.deps.store.read(async (r) => ({
      stale: await r.jobs.findQueuedOlderThan(new Date(now.getTime() - this.opts.staleQueuedMs), batch),
      expiredLeases: await r.jobs.findExpiredLeases(now, batch),
      expiredWaits: await r.jobs.findExpiredWaits(now, batch),
      duePolls: await r.jobs.findDuePolls(now, batch),
    }));
    for (const job of stale) {
      // Touch it so the next tick waits another staleQueuedMs before enqueueing again.
      await this.deps.store.tx((r) => r.jobs.update(job.id, {}, ['queued']));
      await enqueueJob(this.deps, job);
    }
    for (const job of expiredLeases) await this.recover(job, now);
    for (const job of expiredWaits) await this.expireWait(job, now);
    for (const job of duePolls) await this.poll(job, now);
    if (now.getTime() - this.lastSweepAt >= (this.opts.sweepUploadsEveryMs ?? 60_000)) {
      this.lastSweepAt = now.getTime();
      await sweepUnusedUploads(this.deps, now, batch);
      await sweepEndedCounters(this.deps, now);
      for (const sweep of this.opts.sweeps ?? []) await sweep(this.deps, now);
    }
  }

  /**
   * For a worker that is the only one on its database (embedded mode): after a crash the in-process
   * queue is empty and every running job's worker is gone, so requeue them all without waiting.
   */
  async recoverAfterRestart(): Promise<void> {
    const now = this.deps.clock.now();
    const farFuture = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
    const { queued, running } = await this.deps.store.read(async (r) => ({
      queued: await r.jobs.findQueuedOlderThan(farFuture, 10_000),
      running: await r.jobs.findExpiredLeases(farFuture, 10_000),
    }));
    for (const job of queued) await enqueueJob(this.deps, job);
    for (const job of running) await this.recover(job, farFuture);
    await this.tick();
  }

  private async recover(job: Job, leaseExpiredBy: Date): Promise<void> {
    const now = this.deps.clock.now();
    const moved = await this.deps.store.tx(async (repos) => {
      const current = await repos.jobs.getForUpdate(job.id);
      if (!current || current.status !== 'running' || !current.leaseUntil || current.leaseUntil >= leaseExpiredBy) return null;
      // A job that keeps taking its workers down (a poison input) is failed and refunded, not retried forever.
      const losses = current.history.filter((h) => h.note === WORKER_LOST).length;
      if (losses >= MAX_WORKER_LOSSES) {
        return failJob(repos, current, { code: 'WORKER_LOST', message: `Its worker stopped ${losses + 1} times; the job was given up` }, now);
      }
      return moveJob(repos, current, 'queued', { run: current.run + 1, leaseOwner: null, leaseUntil: null }, { now, note: WORKER_LOST });
    });
    if (moved?.job.status === 'queued') this.deps.log.warn({ jobId: job.id }, 'job requeued after its worker stopped renewing the lease');
    await afterCommit(this.deps, moved);
  }

  private async expireWait(job: Job, now: Date): Promise<void> {
    const failed = await this.deps.store.tx(async (repos) => {
      const current = await repos.jobs.getForUpdate(job.id);
      if (!current || current.status !== 'waiting' || !current.waitDeadline || current.waitDeadline >= now) return null;
      return failJob(repos, current, {
        code: 'WAIT_TIMEOUT',
        message: `Timed out waiting for ${current.wait?.reason ?? 'an event'}`,
        ...(current.wait ? { step: current.wait.step } : {}),
      }, now);
    });
    await afterCommit(this.deps, failed);
  }

  /**
   * Polls each of the job's waiting steps whose next poll is due: with the step's `poll`, or when it
   * has none, on its pending predictions (engine/predict.ts pollPredictions). A step reported done is resumed
   * (resumeWait: the first of its webhook and its poll wins); any other gets its next poll, later
   * at each poll (pollDelayAfter), and the job's next poll becomes the earliest of its steps'.
   */
  private async poll(job: Job, now: Date): Promise<void> {
    const pipeline = this.pipelines.get(job.pipeline);
    const steps = await this.deps.store.read((r) => r.steps.list(job.id));
    const due = steps.filter(isWaiting).filter((s) => s.wait.nextPollAt && Date.parse(s.wait.nextPollAt) <= now.getTime());
    for (const record of due) {
      const step = pipeline?.steps.find((s) => s.name === record.name);
      if (!step) continue;
      let result: PollResult | null;
      try {
        // A step without a poll of its own is polled on the predictions it waits for (ctx.predict).
        result = step.poll ? await step.poll(this.runner.pollContext(job, step)) : await pollPredictions(job.state, step.name, this.deps.providers, callRecorder(this.deps, { jobId: job.id, step: step.name }));
      } catch (err) {
        this.deps.log.warn({ err, jobId: job.id, step: step.name }, 'poll failed; will poll again');
        result = { done: false };
      }
      if (!result) continue;
      if (result.done) {
        await resumeWait(this.deps, job.id, { step: record.name, token: record.wait.token }, result.event ?? null);
        continue;
      }
      await this.deps.store.tx(async (repos) => {
        const current = await repos.jobs.getForUpdate(job.id);
        const fresh = (await repos.steps.list(job.id)).find((s) => s.name === record.name);
        if (!current || !fresh || !isWaiting(fresh) || fresh.wait.token !== record.wait.token) return;
        // From the step's row read under the job's lock, as the rest of this write.
        const polls = (fresh.wait.polls ?? 0) + 1;
        const next = new Date(now.getTime() + pollDelayAfter(fresh.wait.pollIntervalMs ?? 5000, polls)).toISOString();
        await repos.steps.upsert({ ...fresh, wait: { ...fresh.wait, nextPollAt: next, polls } });
        const nextPollAt = current.status === 'waiting' ? jobWaitOf((await repos.steps.list(job.id)))?.nextPollAt : undefined;
        if (nextPollAt) await repos.jobs.update(job.id, { nextPollAt }, ['waiting']);
      });
    }
    // A due job none of whose steps was due (or pollable) must not be found due at every tick.
    if (due.length === 0) {
      await this.deps.store.tx(async (repos) => {
        const current = await repos.jobs.getForUpdate(job.id);
        if (current?.status !== 'waiting') return;
        const nextPollAt = jobWaitOf(await repos.steps.list(job.id))?.nextPollAt ?? null;
        await repos.jobs.update(job.id, { nextPollAt }, ['waiting']);
      });
    }
  }
}
