import type { GpuTask, GpuTaskContext, GpuTaskQueue, GpuTaskRunner } from '../core/ports/gpu-work';
import type { QueueConsumer } from '../core/ports/queue';
import type { Logger } from '../services/deps';

export interface GpuWorkerOptions {
  queue: GpuTaskQueue;
  /** The code of each task kind (composition/gpu-tasks.ts GPU_TASKS). */
  runners: Record<string, GpuTaskRunner>;
  context: Omit<GpuTaskContext, 'compute'>;
  /**
   * Tasks worked on at once: about one per core (sharp itself uses a few threads per image). As
   * many more are taken from the queue to fetch and store meanwhile (a task's I/O is not its CPU).
   */
  concurrency: number;
  log: Logger;
}

/**
 * A GPU worker: takes tasks from the GPU task queue and runs each with the code of its kind. It
 * needs no database: a task carries its URLs and reports by signed callback. `npx mediaforge
 * gpu-worker` runs one on its own (Redis); `start` runs one inside the process.
 */
export class GpuWorker {
  private consumer: QueueConsumer | null = null;
  private readonly context: GpuTaskContext;

  constructor(private readonly opts: GpuWorkerOptions) {
    this.context = { ...opts.context, compute: limiter(Math.max(1, opts.concurrency)) };
  }

  async start(): Promise<void> {
    const { queue, concurrency, log } = this.opts;
    this.consumer = await queue.consume((task) => this.run(task), { concurrency: 2 * concurrency });
    log.info({ concurrency, queue: queue.kind, queueName: queue.name, kinds: Object.keys(this.opts.runners) }, 'gpu worker started');
  }

  /** Stops taking tasks and waits for the running ones (each ends with its callback). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.close();
  }

  private async run(task: GpuTask): Promise<void> {
    const runner = this.opts.runners[task.kind];
    if (!runner) {
      // Another build's task: leave a trace; the job's poll sends it again until its wait ends.
      this.opts.log.warn({ taskId: task.task_id, kind: task.kind }, 'gpu task of an unknown kind');
      return;
    }
    const started = Date.now();
    await runner(task, this.context);
    this.opts.log.debug({ taskId: task.task_id, ms: Date.now() - started }, 'gpu task done');
  }
}

/** At most `slots` of the works given to it run at once; the others wait in order. */
function limiter(slots: number): GpuTaskContext['compute'] {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or frees.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
