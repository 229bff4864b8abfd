import { afterAll, describe, expect, it } from 'vitest';
import type { JobQueue, QueueMessage } from '../../core/ports/queue';
import type { QueueErrorReporter } from './memory-queue';

export interface QueueFactory {
  make(onError: QueueErrorReporter): JobQueue;
  /** Removes what the queue left behind and closes it. */
  dispose(queue: JobQueue): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond()) && Date.now() < end) await sleep(5);
  expect(await cond()).toBe(true);
}

/** A promise released by hand, to hold a handler active for as long as a test needs. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** What every JobQueue must do, whichever adapter: the same suite runs in embedded and server mode. */
export function describeQueueContract(name: string, factory: QueueFactory): void {
  describe(`${name} queue (JobQueue contract)`, () => {
    const opened: JobQueue[] = [];
    const open = (onError: QueueErrorReporter = () => {}) => {
      const q = factory.make(onError);
      opened.push(q);
      return q;
    };
    afterAll(async () => {
      await Promise.all(opened.map((q) => factory.dispose(q)));
    });

    it('delivers an enqueued message to a consumer', async () => {
      const q = open();
      const seen: QueueMessage[] = [];
      await q.consume(async (m) => void seen.push(m), { concurrency: 1 });
      await q.enqueue({ jobId: 'job_a', run: 3 });
      await until(() => seen.length === 1);
      expect(seen[0]).toEqual({ jobId: 'job_a', run: 3 });
      await q.ping();
    });

    it('delivers a first run\'s job snapshot as it was sent', async () => {
      const q = open();
      const seen: QueueMessage[] = [];
      await q.consume(async (m) => void seen.push(m), { concurrency: 1 });
      const job = {
        userId: 'usr_1', app: 'clips', pipeline: 'clips.clips', input: { photos: [{ url: 'u' }], note: '한글' }, state: {},
        entityKey: null, itemCount: 0, createdAt: '2026-11-23T00:00:00.000Z',
      };
      await q.enqueue({ jobId: 'job_s', run: 1, job });
      await until(() => seen.length === 1);
      expect(seen[0]).toEqual({ jobId: 'job_s', run: 1, job });
    });

    it('delivers a run once while it is pending, and every run of a job', async () => {
      const q = open();
      await q.enqueue({ jobId: 'job_a', run: 1 });
      await q.enqueue({ jobId: 'job_a', run: 1 });
      await q.enqueue({ jobId: 'job_a', run: 2 });
      await q.enqueue({ jobId: 'job_a', run: 1 });
      expect((await q.counts()).waiting).toBe(2);
      const seen: QueueMessage[] = [];
      await q.consume(async (m) => void seen.push(m), { concurrency: 4 });
      await until(() => seen.length === 2);
      await sleep(100);
      expect(seen.map((m) => m.run).sort()).toEqual([1, 2]);
    });

    it('deduplicates a run while it is active and takes it again once it finished', async () => {
      const q = open();
      const held = gate();
      const seen: QueueMessage[] = [];
      await q.consume(async (m) => {
        seen.push(m);
        if (seen.length === 1) await held.wait;
      }, { concurrency: 2 });
      await q.enqueue({ jobId: 'job_b', run: 1 });
      await until(() => seen.length === 1);
      await q.enqueue({ jobId: 'job_b', run: 1 });
      held.open();
      await until(async () => (await q.counts()).active === 0);
      await sleep(50);
      expect(seen).toHaveLength(1);
      // A finished run is not deduplicated: the reconciler may requeue it and the job row decides.
      await q.enqueue({ jobId: 'job_b', run: 1 });
      await until(() => seen.length === 2);
    });

    it('runs at most `concurrency` handlers at once', async () => {
      const q = open();
      let active = 0;
      let maxActive = 0;
      let done = 0;
      await q.consume(async () => {
        maxActive = Math.max(maxActive, ++active);
        await sleep(40);
        active--;
        done++;
      }, { concurrency: 3 });
      for (let i = 0; i < 10; i++) await q.enqueue({ jobId: `job_c${i}`, run: 1 });
      await until(() => done === 10);
      expect(maxActive).toBe(3);
    });

    it('holds a delayed message back until its delay passed', async () => {
      const q = open();
      const arrived: number[] = [];
      await q.consume(async () => void arrived.push(Date.now()), { concurrency: 1 });
      const start = Date.now();
      await q.enqueue({ jobId: 'job_d', run: 1 }, { delayMs: 400 });
      expect((await q.counts()).delayed).toBe(1);
      await until(() => arrived.length === 1, 3000);
      expect(arrived[0]! - start).toBeGreaterThanOrEqual(390);
      expect((await q.counts()).delayed).toBe(0);
    });

    it('counts a failed handler once, reports it and does not retry it', async () => {
      const errors: [unknown, QueueMessage][] = [];
      const q = open((err, msg) => errors.push([err, msg]));
      let calls = 0;
      await q.consume(async (m) => {
        calls++;
        if (m.jobId === 'job_bad') throw new Error('boom');
      }, { concurrency: 1 });
      await q.enqueue({ jobId: 'job_bad', run: 1 });
      await q.enqueue({ jobId: 'job_good', run: 1 });
      await until(() => calls === 2);
      await until(async () => (await q.counts()).completed === 1);
      await sleep(100);
      const counts = await q.counts();
      expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 1 });
      expect(calls).toBe(2);
      expect(errors).toHaveLength(1);
      expect((errors[0]![0] as Error).message).toBe('boom');
      expect(errors[0]![1]).toEqual({ jobId: 'job_bad', run: 1 });
    });

    it("a consumer's close() waits for its active handler and takes no more", async () => {
      const q = open();
      let started = 0;
      let finished = 0;
      const consumer = await q.consume(async () => {
        started++;
        await sleep(200);
        finished++;
      }, { concurrency: 1 });
      await q.enqueue({ jobId: 'job_e1', run: 1 });
      await q.enqueue({ jobId: 'job_e2', run: 1 });
      await until(() => started === 1);
      await consumer.close();
      expect(finished).toBe(1);
      await sleep(100);
      expect(started).toBe(1);
      expect((await q.counts()).waiting).toBe(1);
    });

    it("the queue's close() waits for active handlers", async () => {
      const q = open();
      let started = false;
      let finished = false;
      await q.consume(async () => {
        started = true;
        await sleep(200);
        finished = true;
      }, { concurrency: 1 });
      await q.enqueue({ jobId: 'job_f', run: 1 });
      await until(() => started);
      await q.close();
      expect(finished).toBe(true);
      await expect(q.enqueue({ jobId: 'job_f2', run: 1 })).rejects.toThrow();
    });
  });
}
