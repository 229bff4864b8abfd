import type { JobQueue, QueueConsumer, QueueCounts, QueueHandler, QueueMessage } from '../../core/ports/queue';

/** The embedded queue: one process, FIFO, delayed messages on timers, a duplicate run enqueued once. */
export class MemoryQueue implements JobQueue {
  readonly kind = 'memory' as const;
  private readonly pending: QueueMessage[] = [];
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private handler: QueueHandler | null = null;
  private concurrency = 1;
  private active = 0;
  private readonly activeDone = new Set<Promise<void>>();
  private stats = { completed: 0, failed: 0, delayed: 0 };
  private closed = false;

  constructor(private readonly onError: (err: unknown, msg: QueueMessage) => void = () => {}) {}

  async enqueue(msg: QueueMessage, opts?: { delayMs?: number }): Promise<void> {
    if (this.closed) throw new Error('queue closed');
    const id = `${msg.jobId}.${msg.run}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    if (opts?.delayMs && opts.delayMs > 0) {
      this.stats.delayed++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.stats.delayed--;
        this.pending.push(msg);
        this.pump();
      }, opts.delayMs);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    this.pending.push(msg);
    this.pump();
  }

  async consume(handler: QueueHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    this.handler = handler;
    this.concurrency = opts.concurrency;
    this.pump();
    return {
      close: async () => {
        this.handler = null;
        await Promise.all([...this.activeDone]);
      },
    };
  }

  private pump(): void {
    while (this.handler && this.active < this.concurrency && this.pending.length > 0) {
      const msg = this.pending.shift()!;
      const handler = this.handler;
      this.active++;
      const run = (async () => {
        try {
          await handler(msg);
          this.stats.completed++;
        } catch (err) {
          this.stats.failed++;
          this.onError(err, msg);
        } finally {
          this.known.delete(`${msg.jobId}.${msg.run}`);
          this.active--;
        }
      })();
      this.activeDone.add(run);
      void run.finally(() => {
        this.activeDone.delete(run);
        this.pump();
      });
    }
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: this.pending.length, active: this.active, delayed: this.stats.delayed, completed: this.stats.completed, failed: this.stats.failed };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.handler = null;
    await Promise.all([...this.activeDone]);
  }
}
