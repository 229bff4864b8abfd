import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobQueue, QueueMessage } from '../../core/ports/queue';
import { BullmqQueue } from './bullmq-queue';
import { MemoryQueue } from './memory-queue';

const redisUrl = process.env.REDIS_URL;
const opened: JobQueue[] = [];
afterAll(async () => {
  for (const q of opened) {
    if (q instanceof BullmqQueue) await q.obliterate().catch(() => {});
    await (q instanceof BullmqQueue ? q.close({ force: true }) : q.close());
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
  expect(cond()).toBe(true);
};

const makers: [string, () => JobQueue, boolean][] = [
  ['memory', () => new MemoryQueue(), true],
  ['bullmq', () => new BullmqQueue({ connection: redisUrl ?? '', queueName: `mf-qtest-${randomBytes(4).toString('hex')}`, lockDurationMs: 1000, stalledIntervalMs: 300 }), Boolean(redisUrl)],
];

for (const [name, make, enabled] of makers) {
  describe.runIf(enabled)(`${name} queue`, () => {
    it('delivers each run once, honours concurrency and delays', async () => {
      const q = make();
      opened.push(q);
      const seen: QueueMessage[] = [];
      let active = 0;
      let maxActive = 0;
      const consumer = await q.consume(async (m) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(30);
        seen.push(m);
        active--;
      }, { concurrency: 2 });
      await q.enqueue({ jobId: 'a', run: 1 });
      await q.enqueue({ jobId: 'a', run: 1 });
      await q.enqueue({ jobId: 'a', run: 2 });
      for (let i = 0; i < 4; i++) await q.enqueue({ jobId: `b${i}`, run: 1 });
      const start = Date.now();
      await q.enqueue({ jobId: 'late', run: 1 }, { delayMs: 300 });
      await until(() => seen.length === 7);
      expect(seen.filter((m) => m.jobId === 'a').map((m) => m.run).sort()).toEqual([1, 2]);
      expect(maxActive).toBe(2);
      expect(seen.at(-1)).toEqual({ jobId: 'late', run: 1 });
      expect(Date.now() - start).toBeGreaterThanOrEqual(290);
      expect((await q.counts()).completed).toBeGreaterThanOrEqual(7);
      await q.ping();
      await consumer.close();
    });

    it('close() waits for an active handler', async () => {
      const q = make();
      opened.push(q);
      let finished = false;
      let started = false;
      const consumer = await q.consume(async () => {
        started = true;
        await sleep(150);
        finished = true;
      }, { concurrency: 1 });
      await q.enqueue({ jobId: 'slow', run: 1 });
      await until(() => started);
      await consumer.close();
      expect(finished).toBe(true);
    });
  });
}

describe.runIf(Boolean(redisUrl))('bullmq redelivery', () => {
  it('redelivers the message of a worker that stopped without finishing it', async () => {
    const name = `mf-qtest-${randomBytes(4).toString('hex')}`;
    const a = new BullmqQueue({ connection: redisUrl!, queueName: name, lockDurationMs: 500, stalledIntervalMs: 200 });
    const b = new BullmqQueue({ connection: redisUrl!, queueName: name, lockDurationMs: 500, stalledIntervalMs: 200 });
    opened.push(a, b);
    let firstTook = false;
    // The first consumer takes the message and never returns; its lock is never renewed after close(true).
    const stuck = await a.consume(async () => {
      firstTook = true;
      await new Promise(() => {});
    }, { concurrency: 1 });
    await a.enqueue({ jobId: 'stall', run: 1 });
    await until(() => firstTook);
    void stuck;
    await a.close({ force: true });
    const got: QueueMessage[] = [];
    await b.consume(async (m) => {
      got.push(m);
    }, { concurrency: 1 });
    await until(() => got.length === 1, 10_000);
    expect(got[0]).toEqual({ jobId: 'stall', run: 1 });
  });
});
