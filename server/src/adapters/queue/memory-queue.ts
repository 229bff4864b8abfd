import type { JobQueue, QueueConsumer, QueueCounts, QueueHandler, QueueMessage } from '../../core/ports/queue';
import { Fifo } from './fifo';

export type QueueErrorReporter = (err: unknown, msg: QueueMessage) => void;

interface Consumer {
  handler: QueueHandler;
  concurrency: number;
  active: Set<Promise<void>>;
  closed: boolean;
}

const runKey = (msg: QueueMessage) => `${msg.jobId}.${msg.run}`;

/**
 * The embedded queue: one process, FIFO, delayed messages on timers. A run is deduplicated while it
 * is pending or active; once handled it can be enqueued again (the database row guards the rerun).
 * A handler that throws is reported and counted failed, never retried: the reconciler owns retries.
 */
export class MemoryQueue implements JobQueue {
  readonly kind = 'memory' as const;
  private readonly pending = new Fifo<QueueMessage>();
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly consumers: Consumer[] = [];
  private completed = 0;
  private failed = 0;
  private closing: Promise<void> | null = null;

  constructor(private readonly onError: QueueErrorReporter = () => {}) {}

  async enqueue(msg: QueueMessage, opts?: { delayMs?: number }): Promise<void> {
    if (this.closing) throw new Error('queue closed');
    const key = runKey(msg);
    if (this.known.has(key)) return;
    this.known.add(key);
    // Copy: the caller's object must not change what we deliver.
    const own: QueueMessage = { jobId: msg.jobId, run: msg.run, ...(msg.job ? { job: msg.job } : {}) };
    const delayMs = opts?.delayMs ?? 0;
    if (delayMs <= 0) {
      this.pending.push(own);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pending.push(own);
      this.pump();
    }, delayMs);
    // A pending delay must not keep the process alive on shutdown.
    timer.unref();
    this.timers.add(timer);
  }

  async consume(handler: QueueHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    if (this.closing) throw new Error('queue closed');
    const consumer: Consumer = { handler, concurrency: Math.max(1, Math.floor(opts.concurrency)), active: new Set(), closed: false };
    this.consumers.push(consumer);
    this.pump();
    return { close: () => this.closeConsumer(consumer) };
  }

  private async closeConsumer(consumer: Consumer): Promise<void> {
    consumer.closed = true;
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
    await Promise.all([...consumer.active]);
  }

  private pump(): void {
    for (const consumer of this.consumers) {
      while (!consumer.closed && consumer.active.size < consumer.concurrency && this.pending.length > 0) {
        this.start(consumer, this.pending.shift()!);
      }
    }
  }

  private start(consumer: Consumer, msg: QueueMessage): void {
    // Through a promise chain, so a handler that throws synchronously is counted like one that rejects.
    const run: Promise<void> = Promise.resolve(msg)
      .then(consumer.handler)
      .then(
        () => void this.completed++,
        (err: unknown) => {
          this.failed++;
          this.report(err, msg);
        },
      )
      .finally(() => {
        this.known.delete(runKey(msg));
        consumer.active.delete(run);
        this.pump();
      });
    consumer.active.add(run);
  }

  private report(err: unknown, msg: QueueMessage): void {
    try {
      this.onError(err, msg);
    } catch {
      // A broken reporter must not take the queue down with it.
    }
  }

  async counts(): Promise<QueueCounts> {
    let active = 0;
    for (const c of this.consumers) active += c.active.size;
    return { waiting: this.pending.length, active, delayed: this.timers.size, completed: this.completed, failed: this.failed };
  }

  async ping(): Promise<void> {
    if (this.closing) throw new Error('queue closed');
  }

  /** Stops taking work and waits for active handlers. Pending and delayed messages are dropped: the reconciler requeues their jobs at the next start. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.pending.clear();
      await Promise.all([...this.consumers].map((c) => this.closeConsumer(c)));
    })();
    return this.closing;
  }
}
