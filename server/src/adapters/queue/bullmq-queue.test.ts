import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../core/ports/queue';
import { BullmqQueue, type BullmqQueueOptions } from './bullmq-queue';
import { evictionWarning } from './eviction-policy';
import { describeQueueContract, until } from './queue-contract';
import { freePort } from '../../testing/free-port';
import { redisAnswers, testRedisUrl } from '../../testing/test-redis';

// The real Redis: REDIS_URL, or the local default when it answers (skipped, not failed, only when neither).
const redisUrl = testRedisUrl;
const enabled = Boolean(process.env.REDIS_URL) || (await redisAnswers(redisUrl));
// Every key of this run lives under its own prefix, removed at the end.
const prefix = `mf-test-${randomBytes(4).toString('hex')}`;
let names = 0;
const uniqueName = () => `q${++names}`;
const bullmq = (opts: Partial<BullmqQueueOptions> = {}) => new BullmqQueue({ connection: redisUrl, queueName: uniqueName(), prefix, ...opts });

describe.runIf(enabled)('bullmq queue on Redis', () => {
  const admin = new Redis(redisUrl, { lazyConnect: true });
  const opened: BullmqQueue[] = [];
  const track = (q: BullmqQueue) => (opened.push(q), q);
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await Promise.all(opened.map((q) => q.close({ force: true })));
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  describeQueueContract('bullmq', {
    make: (onError) => bullmq({ onError }),
    async dispose(q) {
      await (q as BullmqQueue).obliterate().catch(() => {});
      await (q as BullmqQueue).close({ force: true });
    },
  });

  it('delivers a stalled message again after its worker died mid-job', async () => {
    const queueName = uniqueName();
    // Short locks so the test is quick; redelivery takes at most lockDuration + 2 x stalledInterval.
    const timing = { queueName, lockDurationMs: 1000, stalledIntervalMs: 500 };
    const crashed = track(bullmq(timing));
    const survivor = track(bullmq(timing));
    let taken = false;
    await crashed.consume(async () => {
      taken = true;
      await new Promise(() => {});
    }, { concurrency: 1 });
    await crashed.enqueue({ jobId: 'job_stall', run: 1 });
    await until(() => taken);
    // A forced close stops the lock renewals without finishing the job, as SIGKILL would.
    await crashed.close({ force: true });
    const diedAt = Date.now();
    const got: QueueMessage[] = [];
    await survivor.consume(async (m) => void got.push(m), { concurrency: 1 });
    await until(() => got.length === 1, 5000);
    expect(got[0]).toEqual({ jobId: 'job_stall', run: 1 });
    expect(Date.now() - diedAt).toBeLessThan(1000 + 2 * 500 + 1000);
    await until(async () => (await survivor.counts()).completed === 1);
    expect(await survivor.counts()).toMatchObject({ failed: 0, active: 0 });
  });

  it('gives each message to one of several consumers', async () => {
    const queueName = uniqueName();
    const one = track(bullmq({ queueName }));
    const two = track(bullmq({ queueName }));
    const seen: string[] = [];
    await one.consume(async (m) => void seen.push(m.jobId), { concurrency: 2 });
    await two.consume(async (m) => void seen.push(m.jobId), { concurrency: 2 });
    for (let i = 0; i < 20; i++) await one.enqueue({ jobId: `job_${i}`, run: 1 });
    await until(() => seen.length === 20);
    expect(new Set(seen).size).toBe(20);
  });

  it('reads the eviction policy', async () => {
    const q = track(bullmq());
    const [, policy] = (await admin.config('GET', 'maxmemory-policy')) as string[];
    expect(await q.evictionPolicy()).toBe(policy);
  });

  it('closes every connection it opened', async () => {
    const q = bullmq();
    await q.consume(async () => {}, { concurrency: 2 });
    await q.ping();
    // Ours are named after the queue; BullMQ renames its blocking connection `${prefix}:${base64(queue)}`.
    const clientNames = [`name=${q.queueName}:`, `name=${prefix}:${Buffer.from(q.queueName).toString('base64')}`];
    const mine = async () => ((await admin.client('LIST')) as string).split('\n').filter((l) => clientNames.some((n) => l.includes(n))).length;
    // Producer, worker, and the worker's blocking connection.
    await until(async () => (await mine()) === 3);
    await q.close();
    await until(async () => (await mine()) === 0);
  });
});

describe('bullmq queue without Redis', () => {
  it('fails fast instead of hanging, and reports the outage once', async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const q = new BullmqQueue({ connection: `redis://127.0.0.1:${port}`, queueName: 'down', onWarning: (m) => warnings.push(m) });
    const start = Date.now();
    await expect(q.enqueue({ jobId: 'job_x', run: 1 })).rejects.toThrow(/Redis/);
    await expect(q.ping()).rejects.toThrow(/Redis/);
    await expect(q.counts()).rejects.toThrow(/Redis/);
    expect(Date.now() - start).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 300));
    expect(warnings.filter((w) => w.includes('producer'))).toHaveLength(1);
    await q.close();
  });
});

describe('evictionWarning', () => {
  it('warns for any policy but noeviction', () => {
    expect(evictionWarning('noeviction')).toBeNull();
    expect(evictionWarning(null)).toBeNull();
    expect(evictionWarning('allkeys-lru')).toMatch(/noeviction/);
  });
});
