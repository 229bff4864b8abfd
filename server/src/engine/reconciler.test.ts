import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Json } from '../core/ports/store';
import { submitJob } from '../services/jobs/submit-job';
import { TestClock } from '../testing/test-clock';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import type { PipelineDef } from './pipeline';
import { MAX_WORKER_LOSSES } from './reconciler';

/**
 * The reconciler and leases on a controlled clock (issue 8 §2, one clock): time moves only when a
 * test advances it, so a lease, a wait deadline or a stale queued job expires exactly at its time,
 * never a millisecond early, and no test sleeps to let it expire.
 */
const LEASE_MS = 30_000;
const STALE_QUEUED_MS = 60_000;
const WAIT_MS = 600_000;
const gates = new Map<string, () => void>();
const polled = new Map<string, number>();

const pipelines: PipelineDef[] = [
  { id: 'c.noop', app: 'test', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), run: async () => ({ output: { ok: true } }) }], result: ({ outputs }) => outputs.noop ?? null },
  {
    id: 'c.review', app: 'test', input: z.looseObject({}),
    steps: [{ name: 'review', weight: 1, output: z.json(), run: async (ctx) => (ctx.event === undefined ? { wait: { reason: 'human review', timeoutMs: WAIT_MS } } : { output: ctx.event }) }],
  },
  {
    // Waits for something outside that never calls back: only the engine's polls look, counted here.
    id: 'c.polled', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'outside', weight: 1, output: z.json(),
      run: async () => ({ wait: { reason: 'outside', timeoutMs: WAIT_MS, pollIntervalMs: 5_000 } }),
      poll: async (ctx) => {
        polled.set(ctx.job.id, (polled.get(ctx.job.id) ?? 0) + 1);
        return { done: false };
      },
    }],
  },
  {
    // Saves an asset, then blocks until the test opens the gate of its run.
    id: 'c.gated', app: 'test', input: z.looseObject({}),
    steps: [
      {
        name: 'asset', weight: 1, output: z.json(),
        run: async (ctx) => {
          const asset = await ctx.saveAsset({ slot: 'out_1', kind: 'image', body: Buffer.from('x'), mime: 'image/png', ext: 'png' });
          return { output: { assetId: asset.id } };
        },
      },
      {
        name: 'gate', weight: 1, output: z.json(),
        run: async (ctx) => {
          await new Promise<void>((resolve) => gates.set(`${ctx.job.id}:${ctx.job.run}`, resolve));
          return { output: { attempt: ctx.attempt } };
        },
      },
    ],
  },
];

const clock = new TestClock();
let t: TestPlatform;
let userId: string;

beforeAll(async () => {
  t = await createTestPlatform({
    clock,
    pipelines: (r) => pipelines.forEach((p) => r.register(p)),
    settings: { leaseMs: LEASE_MS },
    staleQueuedMs: STALE_QUEUED_MS,
    // Only the ticks of the tests: a background tick would see the same clock, but not when the test expects.
    reconcileEveryMs: 3_600_000,
  });
  ({ userId } = await t.signUp());
});
afterAll(async () => {
  for (const open of gates.values()) open();
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const read = (id: string) => t.deps.store.read(async (r) => (await r.jobs.get(id))!);
const submit = (pipeline: string, cost?: number) => submitJob(t.deps, { userId, app: 'test', pipeline, input: {}, ...(cost ? { cost } : {}) });
/** Waits (on the worker, not on time) until a run of the job reaches its gate. */
const atGate = async (key: string) => {
  for (let i = 0; i < 800 && !gates.has(key); i++) await new Promise((r) => setTimeout(r, 5));
  expect(gates.has(key), `gate ${key} reached`).toBe(true);
};

describe('reconciler on a controlled clock', () => {
  it('re-enqueues a queued job whose enqueue never happened, once staleQueuedMs of clock time passed', async () => {
    const job = await t.deps.store.tx((r) =>
      r.jobs.insert({ id: 'job_orphan_clock', userId, app: 'test', pipeline: 'c.noop', status: 'queued', run: 1, input: {}, entityKey: null }),
    );
    expect(job.updatedAt).toEqual(clock.now());
    const enqueue = vi.spyOn(t.deps.queue, 'enqueue');
    try {
      const enqueuedOrphan = () => enqueue.mock.calls.filter(([msg]) => msg.jobId === job.id).length;
      clock.advance(STALE_QUEUED_MS);
      await t.reconciler.tick();
      expect(enqueuedOrphan(), 'not stale before staleQueuedMs has passed').toBe(0);
      clock.advance(1);
      await t.reconciler.tick();
      expect(enqueuedOrphan()).toBe(1);
      // The tick touched it: the next one waits another staleQueuedMs before enqueueing again.
      await t.reconciler.tick();
      expect(enqueuedOrphan()).toBe(1);
    } finally {
      enqueue.mockRestore();
    }
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.result).toEqual({ ok: true } as Json);
  });

  it('fails a wait when the clock passes its deadline, and refunds', async () => {
    const before = await balance();
    const job = await submit('c.review', 1);
    const waiting = await t.waitForJob(job.id, ['waiting']);
    expect(waiting.waitDeadline).toEqual(new Date(clock.now().getTime() + WAIT_MS));
    clock.advance(WAIT_MS);
    await t.reconciler.tick();
    expect((await read(job.id)).status, 'still waiting at its deadline').toBe('waiting');
    clock.advance(1);
    await t.reconciler.tick();
    const failed = await read(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'WAIT_TIMEOUT', step: 'review', refunded: 1 });
    expect(failed.finishedAt).toEqual(clock.now());
    expect(await balance()).toBe(before);
  });

  it('polls a waiting step first after its interval, then twice as long after each poll, up to 30 s apart', async () => {
    const job = await submit('c.polled');
    await t.waitForJob(job.id, ['waiting']);
    const polls = () => polled.get(job.id) ?? 0;
    // Polls due 5, 15, 35, 65 and 95 s after the wait began: just before each, nothing; at it, one more.
    for (const [gap, expected] of [[5_000, 1], [10_000, 2], [20_000, 3], [30_000, 4], [30_000, 5]] as const) {
      clock.advance(gap - 1);
      await t.reconciler.tick();
      expect(polls(), `${gap - 1} ms after the poll before`).toBe(expected - 1);
      clock.advance(1);
      await t.reconciler.tick();
      expect(polls(), `${gap} ms after the poll before`).toBe(expected);
    }
    expect((await read(job.id)).status).toBe('waiting');
  });

  it('takes back a job whose worker died when the clock passes its lease, without a second charge or duplicate assets', async () => {
    const before = await balance();
    const job = await submit('c.gated', 2);
    await atGate(`${job.id}:1`);
    const running = await read(job.id);
    expect(running.leaseUntil).toEqual(new Date(clock.now().getTime() + LEASE_MS));
    // The worker dies: it stops renewing its lease and never writes again.
    t.runner.abandonAll();
    clock.advance(LEASE_MS);
    await t.reconciler.tick();
    expect(await read(job.id), 'the lease holds until it has passed').toMatchObject({ status: 'running', run: 1 });
    clock.advance(1);
    await t.reconciler.tick();
    await atGate(`${job.id}:2`);
    gates.get(`${job.id}:2`)!();
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.history.map((h) => h.note ?? h.status)).toContain('worker lost; requeued');
    expect(await balance()).toBe(before - 2);
    const assets = await t.deps.store.read((r) => r.assets.listForJob(job.id));
    expect(assets.map((a) => a.slot)).toEqual(['out_1']);
    const steps = await t.deps.store.read((r) => r.steps.list(job.id));
    expect(steps.find((s) => s.name === 'asset')!.attempts).toBe(1);
    gates.get(`${job.id}:1`)!();
  });

  it('fails and refunds a job whose worker keeps dying, instead of requeueing it forever', async () => {
    const before = await balance();
    const job = await submit('c.gated', 1);
    for (let run = 1; run <= MAX_WORKER_LOSSES + 1; run++) {
      await atGate(`${job.id}:${run}`);
      t.runner.abandonAll();
      clock.advance(LEASE_MS + 1);
      await t.reconciler.tick();
    }
    const failed = await read(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'WORKER_LOST', refunded: 1 });
    expect(failed.history.filter((h) => h.note === 'worker lost; requeued')).toHaveLength(MAX_WORKER_LOSSES);
    expect(await balance()).toBe(before);
    for (let run = 1; run <= MAX_WORKER_LOSSES + 1; run++) gates.get(`${job.id}:${run}`)?.();
  });
});
