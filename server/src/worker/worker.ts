import type { QueueConsumer } from '../core/ports/queue';
import type { Reconciler } from '../pipelines/engine/reconciler';
import type { PipelineRunner } from '../pipelines/engine/runner';
import type { Deps } from '../services/deps';

export interface WorkerOptions {
  concurrency: number;
  reconcileEveryMs: number;
  /** True when no other process can hold this database's jobs (embedded mode). */
  soleWorker: boolean;
}

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

  /** Graceful stop: no new jobs; active ones finish. */
  async stop(): Promise<void> {
    await this.reconciler.stop();
    await this.consumer?.close();
    this.consumer = null;
  }
}
