import type { GpuTask, GpuTaskHandler, GpuTaskQueue } from '../../core/ports/gpu-work';
import type { QueueConsumer } from '../../core/ports/queue';
import { Fifo } from '../queue/fifo';

interface Consumer {
  handler: GpuTaskHandler;
  concurrency: number;
  active: Set<Promise<void>>;
  closed: boolean;
}

/**
 * The embedded GPU task queue: one process, first in first out, a task id pending at most once.
 * A handler that throws is reported, not retried: the job's poll sends a task again while its item
 * has not ended. Tasks still queued at close are dropped the same way.
 */
export class MemoryGpuQueue implements GpuTaskQueue {
  readonly kind = 'memory' as const;
  readonly name = 'in-process';
  private readonly waiting = new Fifo<GpuTask>();
  private readonly known = new Set<string>();
  private readonly consumers: Consumer[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly onError: (err: unknown, task: GpuTask) => void = () => {}) {}

  async ping(): Promise<void> {}

  async push(task: GpuTask): Promise<void> {
    if (this.closing) throw new Error('queue closed');
    if (this.known.has(task.task_id)) return;
    this.known.add(task.task_id);
    this.waiting.push(structuredClone(task));
    this.pump();
  }

  async pending(taskId: string): Promise<boolean> {
    return this.known.has(taskId);
  }

  async consume(handler: GpuTaskHandler, opts: { concurrency: number }): Promise<QueueConsumer> {
    if (this.closing) throw new Error('queue closed');
    const consumer: Consumer = { handler, concurrency: Math.max(1, Math.floor(opts.concurrency)), active: new Set(), closed: false };
    this.consumers.push(consumer);
    this.pump();
    return {
      close: async () => {
        consumer.closed = true;
        const i = this.consumers.indexOf(consumer);
        if (i >= 0) this.consumers.splice(i, 1);
        await Promise.all([...consumer.active]);
      },
    };
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    return { waiting: this.waiting.length, active: this.consumers.reduce((n, c) => n + c.active.size, 0) };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.waiting.clear();
      await Promise.all(this.consumers.flatMap((c) => [...c.active]));
    })();
    return this.closing;
  }

  private pump(): void {
    for (const consumer of this.consumers) {
      while (!consumer.closed && consumer.active.size < consumer.concurrency && this.waiting.length > 0) {
        const task = this.waiting.shift()!;
        const run: Promise<void> = Promise.resolve(task)
          .then(consumer.handler)
          .catch((err: unknown) => {
            try {
              this.onError(err, task);
            } catch {
              // A broken reporter must not take the queue down.
            }
          })
          .finally(() => {
            this.known.delete(task.task_id);
            consumer.active.delete(run);
            this.pump();
          });
        consumer.active.add(run);
      }
    }
  }
}
