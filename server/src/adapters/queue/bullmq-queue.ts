import { Queue, Worker } from 'bullmq';
import type { JobQueue, QueueConsumer, QueueCounts, QueueHandler, QueueMessage } from '../../core/ports/queue';
import { evictionWarning, readEvictionPolicy } from './eviction-policy';
import type { QueueErrorReporter } from './memory-queue';
import { RedisLink, type WarningReporter } from './redis-link';

export interface BullmqQueueOptions {
  /** Redis URL: redis:// or rediss://. */
  connection: string;
  /** Default `mediaforge-jobs`. */
  queueName?: string;
  /** Key prefix; BullMQ's default is `bull`. */
  prefix?: string;
  /** How long a worker owns a message without renewing its lock (renewed every half of it). Default 15 000. */
  lockDurationMs?: number;
  /** How often workers look for messages whose lock expired. Default 5 000. */
  stalledIntervalMs?: number;
  /** How long a call waits for a connection still being made before it fails. Default 2 000. */
  readyTimeoutMs?: number;
  /** A handler threw: the message is counted failed, not retried. */
  onError?: QueueErrorReporter;
  /** Connection trouble and configuration problems (eviction policy). */
  onWarning?: WarningReporter;
}

/** Finished messages kept for counts and inspection; older ones are trimmed by BullMQ. */
const KEEP_FINISHED = 1000;
/** High enough that a message whose worker died is delivered again, not failed: the engine's lease decides. */
const MAX_STALLED = 1000;
const WORKER_WARNING_EVERY_MS = 30_000;

interface Consumer {
  close(force: boolean): Promise<void>;
}

/**
 * BullMQ on Redis; messages carry ids (and a first run's small job snapshot). A run is
 * deduplicated by a BullMQ deduplication id `${jobId}.${run}` rather than a custom job id: the
 * dedup key lives while the message is waiting, delayed or active and goes when it finishes, so a
 * run that failed before its claim can be enqueued again by the reconciler (a custom id would keep
 * blocking it while the failed job is retained).
 */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  readonly queueName: string;
  private readonly producer: RedisLink;
  private readonly queue: Queue<QueueMessage>;
  private readonly consumers = new Set<Consumer>();
  private readonly warn: WarningReporter;
  private lastWorkerWarningAt = 0;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: BullmqQueueOptions) {
    this.queueName = opts.queueName ?? 'mediaforge-jobs';
    this.warn = (message) => {
      try {
        opts.onWarning?.(message);
      } catch {
        // A broken logger must not break the queue.
      }
    };
    // Fail fast when Redis is down: the API answers at once instead of queueing commands offline.
    this.producer = new RedisLink(opts.connection, `${this.queueName}:producer`, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }, this.warn);
    // Checked on every (re)connect: a restarted Redis may come back with another configuration.
    this.producer.client.on('ready', () => void this.checkEvictionPolicy());
    this.queue = new Queue<QueueMessage>(this.queueName, {
      connection: this.producer.client,
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: { count: KEEP_FINISHED },
        removeOnFail: { count: KEEP_FINISHED },
      },
      // Nothing here reads the events stream: keep it short.
      streams: { events: { maxLen: 1000 } },
    });
    // The connection's own handler reports outages; the Queue re-emits the same errors.
    this.queue.on('error', () => {});
  }

  async enqueue(msg: QueueMessage, opts?: { delayMs?: number }): Promise<void> {
    await this.ready();
    const delayMs = opts?.delayMs ?? 0;
    await this.queue.add(msg.jobId, { jobId: msg.jobId, run: msg.run, ...(msg.job ? { job: msg.job } : {}) }, {
      deduplication: { id: `${msg.jobId}.${msg.run}` },
      ...(delayMs > 0 ? { delay: Math.ceil(delayMs) } : {}),
    });
  }

  async consume(handler: QueueHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    if (this.closing) throw new Error('queue closed');
    // Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest: null).
    const connection = new RedisLink(this.opts.connection, `${this.queueName}:worker`, { maxRetriesPerRequest: null }, this.warn);
    const worker = new Worker<QueueMessage>(
      this.queueName,
      async (job) => {
        const msg: QueueMessage = { jobId: job.data.jobId, run: job.data.run, ...(job.data.job ? { job: job.data.job } : {}) };
        try {
          await handler(msg);
        } catch (err) {
          this.report(err, msg);
          throw err;
        }
      },
      {
        connection: connection.client,
        ...(this.opts.prefix ? { prefix: this.opts.prefix } : {}),
        concurrency: Math.max(1, Math.floor(opts.concurrency)),
        lockDuration: this.opts.lockDurationMs ?? 15_000,
        stalledInterval: this.opts.stalledIntervalMs ?? 5_000,
        maxStalledCount: MAX_STALLED,
      },
    );
    worker.on('error', (err) => this.warnWorker(err));
    let closing: Promise<void> | null = null;
    const consumer: Consumer = {
      close: (force) =>
        (closing ??= (async () => {
          try {
            // Graceful close lets active handlers finish; force leaves them to be redelivered after lock expiry.
            await worker.close(force);
          } finally {
            this.consumers.delete(consumer);
            await connection.close();
          }
        })()),
    };
    this.consumers.add(consumer);
    return { close: () => consumer.close(false) };
  }

  async counts(): Promise<QueueCounts> {
    await this.ready();
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async ping(): Promise<void> {
    await this.ready();
    await this.producer.client.ping();
  }

  /** Redis's `maxmemory-policy` (null when CONFIG is disabled), for a caller that wants to refuse to start. */
  async evictionPolicy(): Promise<string | null> {
    await this.ready();
    return readEvictionPolicy(this.producer.client);
  }

  /** Removes every key of this queue (tests and benchmarks use a queue of their own). */
  async obliterate(): Promise<void> {
    await this.ready();
    await this.queue.obliterate({ force: true });
  }

  /** Stops the workers (waiting for active handlers unless `force`, which tests use to act out a crash) and closes every connection. */
  close(opts: { force?: boolean } = {}): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers].map((c) => c.close(opts.force ?? false)));
      // Best effort at shutdown: the Queue shares the producer's connection, whose close below reports a failure.
      await this.queue.close().catch(() => {});
      await this.producer.close();
    })();
    return this.closing;
  }

  private async ready(): Promise<void> {
    if (this.closing) throw new Error('queue closed');
    await this.producer.whenReady(this.opts.readyTimeoutMs ?? 2_000);
  }

  private async checkEvictionPolicy(): Promise<void> {
    // Runs on each reconnect with no caller to throw to: a connection lost again meanwhile is only reported.
    const policy = await readEvictionPolicy(this.producer.client).catch((err: unknown) => {
      this.warn(`could not read Redis maxmemory-policy: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    const warning = evictionWarning(policy);
    if (warning) this.warn(warning);
  }

  private report(err: unknown, msg: QueueMessage): void {
    try {
      this.opts.onError?.(err, msg);
    } catch {
      // A broken reporter must not turn a handled failure into a stalled job.
    }
  }

  /** A worker retries its blocking poll during an outage and emits an error each time: report some. */
  private warnWorker(err: Error): void {
    const now = Date.now();
    if (now - this.lastWorkerWarningAt < WORKER_WARNING_EVERY_MS) return;
    this.lastWorkerWarningAt = now;
    this.warn(`BullMQ worker on ${this.queueName}: ${err.message}`);
  }
}
