import { Queue, Worker } from 'bullmq';
import type { GpuTask, GpuTaskHandler, GpuTaskQueue } from '../../core/ports/gpu-work';
import type { QueueConsumer } from '../../core/ports/queue';
import { RedisLink, type WarningReporter } from '../queue/redis-link';

export interface BullmqGpuQueueOptions {
  /** Redis URL: redis:// or rediss://. */
  connection: string;
  /** Default `mediaforge-gpu`. */
  queueName?: string;
  /** How long a worker owns a task without renewing its lock; a killed worker's task goes to another after it. Default 15 000. */
  lockDurationMs?: number;
  /** How often workers look for tasks whose lock expired. Default 5 000. */
  stalledIntervalMs?: number;
  onError?: (err: unknown, task: GpuTask) => void;
  onWarning?: WarningReporter;
}

const KEEP_FINISHED = 1000;
/** A task whose worker died is delivered again, however often: the item's callback settles it once. */
const MAX_STALLED = 1000;

/**
 * GPU tasks on BullMQ, shared by the API and any number of `gpu-worker` processes that reach the
 * same Redis. A task id is deduplicated while it waits or runs (BullMQ deduplication id), so the
 * job's poll may send a pending item again without queueing it twice; a task whose worker was
 * killed is delivered again once its lock expires (stalled), so no item is lost.
 */
export class BullmqGpuQueue implements GpuTaskQueue {
  readonly kind = 'bullmq' as const;
  private readonly producer: RedisLink;
  private readonly queue: Queue<GpuTask>;
  private readonly queueName: string;
  get name(): string {
    return this.queueName;
  }
  private readonly workers = new Set<{ close(force: boolean): Promise<void> }>();
  private readonly warn: WarningReporter;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: BullmqGpuQueueOptions) {
    this.queueName = opts.queueName ?? 'mediaforge-gpu';
    this.warn = (m) => {
      try {
        opts.onWarning?.(m);
      } catch {
        // A broken logger must not break the queue.
      }
    };
    this.producer = new RedisLink(opts.connection, `${this.queueName}:producer`, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }, this.warn);
    this.queue = new Queue<GpuTask>(this.queueName, {
      connection: this.producer.client,
      defaultJobOptions: { attempts: 1, removeOnComplete: { count: KEEP_FINISHED }, removeOnFail: { count: KEEP_FINISHED } },
      streams: { events: { maxLen: 1000 } },
    });
    this.queue.on('error', () => {});
  }

  async push(task: GpuTask): Promise<void> {
    await this.ready();
    await this.queue.add(task.kind, task, { deduplication: { id: task.task_id } });
  }

  /** The deduplication key lives while the task waits or runs (a stalled one included), and goes when it ends. */
  async pending(taskId: string): Promise<boolean> {
    await this.ready();
    return (await this.queue.getDeduplicationJobId(taskId)) !== null;
  }

  async consume(handler: GpuTaskHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    if (this.closing) throw new Error('queue closed');
    const link = new RedisLink(this.opts.connection, `${this.queueName}:worker`, { maxRetriesPerRequest: null }, this.warn);
    const worker = new Worker<GpuTask>(
      this.queueName,
      async (job) => {
        try {
          await handler(job.data);
        } catch (err) {
          try {
            this.opts.onError?.(err, job.data);
          } catch {
            // reported or not, the task is counted failed
          }
          throw err;
        }
      },
      {
        connection: link.client,
        concurrency: Math.max(1, Math.floor(opts.concurrency)),
        lockDuration: this.opts.lockDurationMs ?? 15_000,
        stalledInterval: this.opts.stalledIntervalMs ?? 5_000,
        maxStalledCount: MAX_STALLED,
      },
    );
    worker.on('error', (err) => this.warn(`BullMQ worker on ${this.queueName}: ${err.message}`));
    let closing: Promise<void> | null = null;
    const entry = {
      close: (force: boolean) =>
        (closing ??= (async () => {
          try {
            await worker.close(force);
          } finally {
            this.workers.delete(entry);
            await link.close();
          }
        })()),
    };
    this.workers.add(entry);
    return { close: () => entry.close(false) };
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    await this.ready();
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0), active: c.active ?? 0 };
  }

  /** Removes every key of this queue (tests and benchmarks use a queue of their own). */
  async obliterate(): Promise<void> {
    await this.ready();
    await this.queue.obliterate({ force: true });
  }

  close(opts: { force?: boolean } = {}): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.workers].map((w) => w.close(opts.force ?? false)));
      await this.queue.close().catch(() => {});
      await this.producer.close();
    })();
    return this.closing;
  }

  async ping(): Promise<void> {
    await this.ready();
    await this.producer.client.ping();
  }

  private async ready(): Promise<void> {
    if (this.closing) throw new Error('queue closed');
    await this.producer.whenReady(2_000);
  }
}
