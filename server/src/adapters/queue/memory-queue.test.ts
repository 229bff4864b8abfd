import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../core/ports/queue';
import { MemoryQueue } from './memory-queue';
import { describeQueueContract, sleep, until } from './queue-contract';

describeQueueContract('memory', {
  make: (onError) => new MemoryQueue(onError),
  dispose: (q) => q.close(),
});

describe('memory queue', () => {
  it('delivers in FIFO order', async () => {
    const q = new MemoryQueue();
    const seen: string[] = [];
    for (let i = 0; i < 50; i++) await q.enqueue({ jobId: `j${i}`, run: 1 });
    await q.consume(async (m) => void seen.push(m.jobId), { concurrency: 1 });
    await until(() => seen.length === 50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `j${i}`));
    await q.close();
  });

  it('counts a handler that throws synchronously as failed', async () => {
    const errors: unknown[] = [];
    const q = new MemoryQueue((err) => errors.push(err));
    const handler = ((_m: QueueMessage) => {
      throw new Error('sync');
    }) as unknown as (m: QueueMessage) => Promise<void>;
    await q.consume(handler, { concurrency: 1 });
    await q.enqueue({ jobId: 'j', run: 1 });
    await until(() => errors.length === 1);
    expect(await q.counts()).toMatchObject({ failed: 1, active: 0 });
    await q.close();
  });

  it('close() drops delayed messages and refuses new work', async () => {
    const q = new MemoryQueue();
    const seen: QueueMessage[] = [];
    await q.consume(async (m) => void seen.push(m), { concurrency: 1 });
    await q.enqueue({ jobId: 'later', run: 1 }, { delayMs: 50 });
    await q.close();
    await sleep(100);
    expect(seen).toEqual([]);
    await expect(q.enqueue({ jobId: 'x', run: 1 })).rejects.toThrow('queue closed');
    await expect(q.ping()).rejects.toThrow('queue closed');
    await expect(q.consume(async () => {}, { concurrency: 1 })).rejects.toThrow('queue closed');
  });

  it('shares pending messages between consumers, each within its own concurrency', async () => {
    const q = new MemoryQueue();
    const by = { a: 0, b: 0 };
    let maxA = 0;
    let activeA = 0;
    await q.consume(async () => {
      maxA = Math.max(maxA, ++activeA);
      await sleep(10);
      activeA--;
      by.a++;
    }, { concurrency: 1 });
    await q.consume(async () => {
      await sleep(10);
      by.b++;
    }, { concurrency: 2 });
    for (let i = 0; i < 12; i++) await q.enqueue({ jobId: `j${i}`, run: 1 });
    await until(() => by.a + by.b === 12);
    expect(maxA).toBe(1);
    expect(by.b).toBeGreaterThan(by.a);
    await q.close();
  });
});
