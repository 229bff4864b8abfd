import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Child } from '../../testing/child-process';
import { freePort } from '../../testing/free-port';
import { proUserWithRule, uploadedBatch } from '../../testing/rules-flow';
import { createTestPlatform, serverMode, type TestPlatform } from '../../testing/test-platform';
import { dropQueue } from '../../testing/test-redis';

/**
 * Real `gpu-worker` processes on the BullMQ GPU queue, one SIGKILLed while it works on an item:
 * BullMQ hands the item's task to another worker once its lock expires (GPU_TASK_LOCK_MS, short
 * here), and the batch completes with every item done, charged once and never refunded. Server
 * mode only: embedded mode has no `gpu-worker` process (its GPU worker is inside `start`).
 */

const PHOTOS = 10;
/** Short, so a killed worker's task is taken over within seconds (renewed every half of it: a live worker keeps its tasks). */
const LOCK_MS = 4_000;
/** About a second of sharp per item on one core (a wide sharpen at full size): slow enough to be caught at work. */
const SLOW_RULE = [
  { op: 'sharpen', sigma: 4 },
  { op: 'resize', width: 3000 },
  { op: 'output', format: 'jpeg', quality: 92 },
];
/** The photos' size, and the outputs' (SLOW_RULE shrinks them to 3000 wide). */
const PHOTO = { width: 3200, height: 2400 };
const OUTPUT = { width: 3000, height: 2250 };

interface Setup {
  t: TestPlatform;
  queueName: string;
  redisUrl: string;
  /** A `gpu-worker` process on the platform's queue; `started` resolves once it takes tasks. */
  startWorker(): { child: Child; started: Promise<void> };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

/** The platform on a real port (its own GPU worker off: GPU_WORKER_CONCURRENCY=0), and a way to start `gpu-worker` processes on its queue. */
async function setup(): Promise<Setup> {
  const port = await freePort();
  const queueName = `mf-test-${randomBytes(4).toString('hex')}`;
  const t = await createTestPlatform({ env: { PUBLIC_URL: `http://127.0.0.1:${port}`, GPU_WORKER_CONCURRENCY: '0' }, queueName, gpuFetch: 'network' });
  cleanups.push(() => t.dispose());
  const redisUrl = t.env.REDIS_URL!;
  cleanups.push(() => dropQueue(`${queueName}-gpu`, redisUrl));
  const server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-gpu-worker-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  return {
    t, queueName, redisUrl,
    startWorker() {
      // Only what a GPU worker needs: Redis and the queue's name (no database: `embedded` drops DATABASE_URL).
      const child = runCli('gpu-worker', {
        REDIS_URL: redisUrl, QUEUE_NAME: queueName, GPU_WORKER_CONCURRENCY: '1', GPU_TASK_LOCK_MS: String(LOCK_MS), DATA_DIR: dataDir,
      }, { embedded: true });
      cleanups.push(() => child.kill('SIGKILL'));
      return { child, started: child.waitForOutput('gpu worker started', 30_000) };
    },
  };
}

let made: Promise<Buffer[]> | null = null;
/** The batch's photos: two JPEGs with grain (made once for the file), taken in turn. */
const photos = () => (made ??= (async () => {
  const two = await Promise.all([0, 1].map((i) => {
    const grain = randomBytes(PHOTO.width * PHOTO.height * 3);
    const pixels = Buffer.alloc(grain.length);
    for (let p = 0; p < pixels.length; p++) pixels[p] = ((p % 3) * 60 + i * 90 + ((p / 3) % PHOTO.width) / 40) % 190 + (grain[p]! & 63);
    return sharp(pixels, { raw: { ...PHOTO, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  }));
  return Array.from({ length: PHOTOS }, (_, i) => two[i % 2]!);
})());

/** A pro user's batch of PHOTOS photos (distinct JPEGs with grain), uploaded and confirmed, under SLOW_RULE. */
async function slowBatch(t: TestPlatform) {
  const { token, ruleId } = await proUserWithRule(t, SLOW_RULE);
  return { token, jobId: await uploadedBatch(t, token, { ruleId, photos: await photos() }) };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Both workers (one task at a time each) at work: each holds an item in flight. */
const bothBusy = (t: TestPlatform) => until('two tasks in flight', 30_000, async () => (await t.gpuQueue.counts()).active >= 2);

/** The job completed with every item done, each output a real image; one charge per item, no refund; the task caught in flight delivered again. */
async function assertCompletedOnce(s: Setup, token: string, jobId: string) {
  const { t } = s;
  const job = await t.waitForJob(jobId, ['completed', 'failed', 'cancelled'], 50_000);
  expect(job.status).toBe('completed');
  const view = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
  expect(view).toMatchObject({ status: 'completed', progress: { done: PHOTOS, failed: 0, total: PHOTOS }, credits: { charged: PHOTOS, refunded: 0 } });
  for (const item of view.items) {
    expect(item.status).toBe('done');
    const res = await t.app.request(item.output_url);
    expect(res.status).toBe(200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', ...OUTPUT });
  }
  const ledger = await t.deps.store.read((r) => r.ledger.listForJob(jobId));
  const charges = ledger.filter((e) => e.kind === 'charge');
  expect(charges.map((e) => e.itemIndex).sort((a, b) => a! - b!)).toEqual(Array.from({ length: PHOTOS }, (_, i) => i));
  expect(charges.every((e) => Math.abs(e.amount) === 1)).toBe(true);
  expect(ledger.filter((e) => e.kind === 'refund')).toEqual([]);

  // The killed worker's task ran again elsewhere: BullMQ counted it stalled (its lock expired).
  const connection = new Redis(s.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(`${s.queueName}-gpu`, { connection });
  try {
    const finished = await queue.getJobs(['completed', 'failed']);
    expect(finished.filter((j) => j.data.job_id === jobId).length).toBeGreaterThanOrEqual(PHOTOS);
    expect(finished.some((j) => j.data.job_id === jobId && j.stalledCounter > 0)).toBe(true);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Two workers, the batch executed, each worker with an item in flight. */
async function busyBatch() {
  const s = await setup();
  const [a, b] = [s.startWorker(), s.startWorker()];
  const { token, jobId } = await slowBatch(s.t);
  await Promise.all([a.started, b.started]);
  expect((await s.t.call('POST', `/s3/jobs/${jobId}/execute`, { token })).status).toBe(200);
  await bothBusy(s.t);
  return { s, a, b, token, jobId };
}

describe.skipIf(!serverMode)('gpu-worker processes', () => {
  it('one of two SIGKILLed with an item in flight: its task is redelivered, every item done, charged once', async () => {
    const { s, a, b, token, jobId } = await busyBatch();
    await a.child.kill('SIGKILL');
    await assertCompletedOnce(s, token, jobId);
  }, 60_000);

  it('both SIGKILLed with items in flight, one started again later: the job still completes', async () => {
    const { s, a, b, token, jobId } = await busyBatch();
    await Promise.all([a.child.kill('SIGKILL'), b.child.kill('SIGKILL')]);
    // Nobody works on the batch for a while (longer than a lock): its tasks wait, none is lost.
    await new Promise((r) => setTimeout(r, LOCK_MS + 1_000));
    expect(['queued', 'running', 'waiting']).toContain((await s.t.deps.store.read((r) => r.jobs.get(jobId)))!.status);
    await s.startWorker().started;
    await assertCompletedOnce(s, token, jobId);
  }, 60_000);

  it('runs a rule with AI operations through the image-operation provider it opens on first use', async () => {
    const s = await setup();
    const w = s.startWorker();
    const { token, ruleId } = await proUserWithRule(s.t, [{ op: 'upscale', scale: 2 }, { op: 'remove_background' }, { op: 'background_fill', color: '#ffffff' }]);
    const jobId = await uploadedBatch(s.t, token, { ruleId, count: 2 });
    await w.started;
    expect((await s.t.call('POST', `/s3/jobs/${jobId}/execute`, { token })).status).toBe(200);
    expect((await s.t.waitForJob(jobId, ['completed', 'failed', 'cancelled'], 30_000)).status).toBe('completed');
    const view = (await s.t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
    expect(view.progress).toEqual({ done: 2, failed: 0, total: 2 });
    const out = await s.t.app.request(view.items[0].output_url);
    expect(await sharp(Buffer.from(await out.arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
  }, 60_000);
});
