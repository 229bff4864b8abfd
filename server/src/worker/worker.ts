import type { QueueConsumer } from '../core/ports/queue';
import type { Reconciler } from '../engine/reconciler';
import type { PipelineRunner } from '../engine/runner';
import type { Deps } from '../services/deps';

export interface WorkerOptions {
  concurrency: number;
  reconcileEveryMs: number;
  /** True when no other process can hold this database's jobs (embedded mode). */
  soleWorker: boolean;
  /** How long `stop` waits for running jobs before it gives them back (default 15 s). */
  shutdownGraceMs?: number;
}

// After the jobs were given back, their handlers return at once; this only bounds a stuck queue client.
const AFTER_RELEASE_MS = 3_000;

/** A queue consumer feeding the pipeline runner, plus the reconciler loop that repairs crashes. */
export class Worker {
  private consumer: QueueConsumer | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly runner: PipelineRunner,
    private readonly reconciler: Reconciler,
    private readonly opts: WorkerOptions,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.deps.queue.consume(this.runner.handle, { concurrency: this.opts.concurrency });
    // One pass at start picks up what a previous process left behind.
    const first = this.opts.soleWorker ? this.reconciler.recoverAfterRestart() : this.reconciler.tick();
    await first.catch((err) => this.deps.log.error({ err }, 'initial reconcile failed'));
    this.reconciler.start(this.opts.reconcileEveryMs);
    this.deps.log.info({ workerId: this.runner.workerId, concurrency: this.opts.concurrency }, 'worker started');
  }

  /**
   * Graceful stop, bounded: no new jobs; running ones may finish within the grace period, after
   * which they are given back (queued for another worker or the next start) and stop returns.
   */
  async stop(): Promise<void> {
    await this.reconciler.stop();
    const closing = this.consumer?.close();
    this.consumer = null;
    if (!closing) return;
    const grace = this.opts.shutdownGraceMs ?? 15_000;
    if (await settlesWithin(closing, grace)) return;
    this.deps.log.warn({ jobs: this.runner.activeCount, graceMs: grace }, 'grace period over: giving running jobs back');
    await this.runner.releaseAll();
    await settlesWithin(closing, AFTER_RELEASE_MS);
  }
}

/** True when `p` settles (either way) within `ms`. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}
