import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobQueue, QueueConsumer, QueueCounts, QueueHandler, QueueMessage } from '../../core/ports/queue';

export interface BullmqQueueOptions {
  connection: string;
  queueName: string;
  /** How long a worker owns a message before BullMQ considers it stalled. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  onError?: (err: unknown, msg: QueueMessage) => void;
  onWarning?: (message: string) => void;
}

/** BullMQ on Redis: messages carry ids only; `${jobId}.${run}` deduplicates a run's enqueues. */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private readonly queue: Queue;
  private readonly workers = new Set<Worker>();
  private checked = false;

  constructor(private readonly opts: BullmqQueueOptions) {
    // Fail fast when Redis is down: the API answers 503 instead of hanging on an offline queue.
    this.producer = new Redis(opts.connection, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.producer.on('error', () => {});
    this.queue = new Queue(opts.queueName, { connection: this.producer });
    this.queue.on('error', () => {});
  }

  private async checkEvictionPolicy(): Promise<void> {
    if (this.checked) return;
    this.checked = true;
    try {
      const res = (await this.producer.config('GET', 'maxmemory-policy')) as string[];
      if (res[1] && res[1] !== 'noeviction') {
        this.opts.onWarning?.(`Redis maxmemory-policy is ${res[1]}; BullMQ needs noeviction or queued jobs may be lost`);
      }
    } catch {
      // CONFIG may be disabled on managed Redis; nothing to check then.
    }
  }

  async enqueue(msg: QueueMessage, opts?: { delayMs?: number }): Promise<void> {
    await this.queue.add('run', msg, {
      jobId: `${msg.jobId}.${msg.run}`,
      delay: opts?.delayMs,
      attempts: 1,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
  }

  async consume(handler: QueueHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    await this.checkEvictionPolicy();
    const connection = new Redis(this.opts.connection, { maxRetriesPerRequest: null });
    connection.on('error', () => {});
    const worker = new Worker<QueueMessage>(
      this.opts.queueName,
      async (job) => {
        try {
          await handler(job.data);
        } catch (err) {
          this.opts.onError?.(err, job.data);
          throw err;
        }
      },
      {
        connection,
        concurrency: opts.concurrency,
        lockDuration: this.opts.lockDurationMs ?? 15_000,
        stalledInterval: this.opts.stalledIntervalMs ?? 5_000,
        // A stalled message (its worker died) comes back instead of failing: the engine's lease decides.
        maxStalledCount: 100,
      },
    );
    worker.on('error', () => {});
    this.workers.add(worker);
    return {
      close: async () => {
        await worker.close();
        this.workers.delete(worker);
        connection.disconnect();
      },
    };
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async ping(): Promise<void> {
    await this.producer.ping();
  }

  /** Removes the queue's keys (tests use a queue name of their own). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  /** `force` drops active messages without finishing them, as a crash would (tests). */
  async close(opts: { force?: boolean } = {}): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close(opts.force)));
    await this.queue.close();
    this.producer.disconnect();
  }
}
