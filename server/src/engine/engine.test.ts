import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalStepError, RetryableStepError } from '../core/jobs/step-errors';
import { refundUnfinished } from '../services/credits/ledger';
import { resumeWait } from '../services/jobs/waits';
import { submitJob } from '../services/jobs/submit-job';
import { cancelJob } from '../services/jobs/cancel-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import type { PipelineDef } from './pipeline';

/** Small pipelines that exercise what the five apps need from the engine. */
const calls = { flaky: 0, submit: 0, finish: 0 };
const gates = new Map<string, () => void>();

const testPipelines: PipelineDef[] = [
  { id: 't.noop', app: 'test', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), run: async () => ({ output: { ok: true } }) }], result: ({ outputs }) => outputs.noop ?? null },
  {
    id: 't.two', app: 'test', input: z.looseObject({}),
    steps: [
      { name: 'a', weight: 1, output: z.json(), run: async () => ({ output: 'A' }) },
      { name: 'b', weight: 3, output: z.json(), run: async (ctx) => ({ output: `${String(ctx.outputs.a)}B` }) },
    ],
    result: ({ outputs }) => ({ b: outputs.b ?? null }),
  },
  {
    id: 't.flaky', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'flaky', weight: 1, output: z.json(), maxAttempts: 3,
      run: async (ctx) => {
        calls.flaky++;
        if (ctx.attempt < 2) throw new RetryableStepError('provider busy');
        return { output: { attempt: ctx.attempt } };
      },
    }],
  },
  { id: 't.fatal', app: 'test', input: z.looseObject({}), steps: [{ name: 'boom', weight: 1, output: z.json(), run: async () => { throw new FatalStepError('content blocked', 'CONTENT_BLOCKED'); } }] },
  {
    // A person's review, a webhook or a GPU callback: wait, then resume with the event.
    id: 't.review', app: 'test', input: z.looseObject({}),
    steps: [
      { name: 'draft', weight: 1, output: z.json(), run: async () => ({ output: 'draft-1' }) },
      {
        name: 'review', weight: 1, output: z.json(),
        run: async (ctx) => (ctx.event === undefined ? { wait: { reason: 'human review', timeoutMs: Number((ctx.job.input as { timeoutMs?: number }).timeoutMs ?? 60_000) } } : { output: ctx.event }),
      },
      { name: 'after', weight: 1, output: z.json(), run: async (ctx) => ({ output: { approved: (ctx.outputs.review as { approve?: boolean }).approve ?? false } }) },
    ],
    result: ({ outputs }) => outputs.after ?? null,
  },
  {
    // An asynchronous provider: submit, then webhook or polling, whichever comes first.
    id: 't.async', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'render', weight: 1, output: z.json(),
      run: async (ctx) => {
        if (ctx.event !== undefined) {
          calls.finish++;
          return { output: ctx.event };
        }
        calls.submit++;
        await ctx.setState({ externalId: `ext-${ctx.job.id}` });
        return { wait: { reason: 'provider render', timeoutMs: 60_000, pollIntervalMs: 10 } };
      },
      poll: async (ctx) => ((ctx.job.state as { ready?: boolean }).ready ? { done: true, event: { via: 'poll' } } : { done: false }),
    }],
  },
  {
    // Items with their own charges: 0 and 2 succeed, 1 fails, 3 is never produced.
    id: 't.items', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'each', weight: 1, output: z.json(),
      run: async (ctx) => {
        await ctx.settleItem(0, { output: { url: 'a' } });
        await ctx.settleItem(1, { error: { code: 'BLOCKED', message: 'content guard' } });
        await ctx.settleItem(2, { output: { url: 'c' } });
        return { output: null };
      },
    }],
  },
  {
    // A step that blocks until the test opens its gate (for crash and cancel tests).
    id: 't.gated', app: 'test', input: z.looseObject({}),
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
          const key = `${ctx.job.id}:${ctx.job.run}`;
          await new Promise<void>((resolve) => gates.set(key, resolve));
          return { output: { attempt: ctx.attempt } };
        },
      },
    ],
  },
];

let t: TestPlatform;
let userId: string;

beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => testPipelines.forEach((p) => r.register(p)),
    settings: { leaseMs: 400 },
    staleQueuedMs: 100,
  });
  ({ userId } = await t.signUp());
});
afterAll(async () => {
  for (const open of gates.values()) open();
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const submit = (pipeline: string, extra: Partial<Parameters<typeof submitJob>[1]> = {}) =>
  submitJob(t.deps, { userId, app: 'test', pipeline, input: {}, ...extra });
const waitGate = async (key: string) => {
  for (let i = 0; i < 400 && !gates.has(key); i++) await new Promise((r) => setTimeout(r, 10));
  expect(gates.has(key), `gate ${key} reached`).toBe(true);
};

describe('pipeline engine', () => {
  it('runs a job through queued -> running -> completed with progress and history', async () => {
    const job = await submit('t.two');
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(1);
    expect(done.result).toEqual({ b: 'AB' });
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'completed']);
    const steps = await t.deps.store.read((r) => r.steps.list(job.id));
    expect(steps.map((s) => [s.name, s.status, s.attempts]).sort()).toEqual([['a', 'done', 1], ['b', 'done', 1]]);
  });

  it('retries a retryable step with backoff, then completes', async () => {
    calls.flaky = 0;
    const job = await submit('t.flaky');
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(calls.flaky).toBe(2);
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'queued', 'running', 'completed']);
  });

  it('fails a job on a fatal step and refunds its charge once', async () => {
    const before = await balance();
    const job = await submit('t.fatal', { cost: 2 });
    expect(await balance()).toBe(before - 2);
    const failed = await t.waitForJob(job.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'CONTENT_BLOCKED', step: 'boom', refunded: 2 });
    expect(await balance()).toBe(before);
    // A second refund attempt (a redelivered message) changes nothing.
    await t.deps.store.tx((r) => refundUnfinished(r, failed, { jobCompleted: false, reason: 'again' }));
    expect(await balance()).toBe(before);
    const ledger = await t.deps.store.read((r) => r.ledger.listForJob(job.id));
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([['charge', -2], ['refund', 2]]);
  });

  it('waits for an outside event and resumes with it; a second event is ignored', async () => {
    const job = await submit('t.review');
    const waiting = await t.waitForJob(job.id, ['waiting']);
    expect(waiting.wait).toMatchObject({ step: 'review', reason: 'human review' });
    const first = await resumeWait(t.deps, job.id, { step: 'review' }, { approve: true });
    const second = await resumeWait(t.deps, job.id, { step: 'review' }, { approve: false });
    expect(first.resumed).toBe(true);
    expect(second.resumed).toBe(false);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.result).toEqual({ approved: true });
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'waiting', 'queued', 'running', 'completed']);
  });

  it('counts an async provider result once when the webhook and the poll race', async () => {
    calls.submit = 0;
    calls.finish = 0;
    const job = await submit('t.async');
    const waiting = await t.waitForJob(job.id, ['waiting']);
    expect(waiting.state).toMatchObject({ externalId: `ext-${job.id}` });
    await t.deps.store.tx((r) => r.jobs.update(job.id, { state: { ...waiting.state, ready: true } }));
    const [webhook] = await Promise.all([
      resumeWait(t.deps, job.id, { step: 'render', token: waiting.wait!.token }, { via: 'webhook' }),
      t.reconciler.tick(),
      t.reconciler.tick(),
    ]);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(calls.submit).toBe(1);
    expect(calls.finish).toBe(1);
    const steps = await t.deps.store.read((r) => r.steps.list(job.id));
    expect(steps[0]!.output).toEqual(webhook.resumed ? { via: 'webhook' } : { via: 'poll' });
  });

  it('charges items one by one and refunds exactly the failed and unproduced ones', async () => {
    const before = await balance();
    const job = await submit('t.items', { items: [0, 1, 2, 3].map((i) => ({ input: { n: i }, cost: 1 })) });
    expect(await balance()).toBe(before - 4);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const items = await t.deps.store.read((r) => r.items.list(job.id));
    expect(items.map((i) => i.status)).toEqual(['done', 'failed', 'done', 'failed']);
    expect(await balance()).toBe(before - 2);
    const ledger = await t.deps.store.read((r) => r.ledger.listForJob(job.id));
    expect(ledger.filter((e) => e.kind === 'refund').map((e) => e.itemIndex).sort()).toEqual([1, 3]);
  });

  it('refuses a job when the balance is short, charging nothing', async () => {
    const before = await balance();
    await expect(submit('t.noop', { cost: before + 1 })).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS', details: { needed: before + 1, balance: before } });
    expect(await balance()).toBe(before);
  });

  it('cancels a running job and refunds what was not done', async () => {
    const before = await balance();
    const job = await submit('t.gated', { cost: 3 });
    await waitGate(`${job.id}:1`);
    const out = await cancelJob(t.deps, { userId, isAdmin: false }, job.id);
    expect(out).toMatchObject({ refunded: 3, job: { status: 'cancelled' } });
    gates.get(`${job.id}:1`)!();
    await new Promise((r) => setTimeout(r, 50));
    const after = await t.deps.store.read((r) => r.jobs.get(job.id));
    expect(after!.status).toBe('cancelled');
    expect(await balance()).toBe(before);
    await expect(cancelJob(t.deps, { userId, isAdmin: false }, job.id)).rejects.toMatchObject({ code: 'JOB_WRONG_STATE' });
  });

});

describe('admission limits', () => {
  it('holds a per-user concurrency limit under parallel submissions', async () => {
    // The app's free plan allows 3 running jobs (testing/test-plan-limits.ts).
    const { userId: u } = await t.signUp();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => submitJob(t.deps, { userId: u, app: 'limits', pipeline: 't.gated', input: {} })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'CONCURRENCY_LIMIT' });
    for (const r of results) if (r.status === 'fulfilled') await cancelJob(t.deps, { userId: u, isAdmin: false }, r.value.id);
  });

  it('holds a per-entity limit and a daily counter', async () => {
    const { userId: u } = await t.signUp();
    const entity = { key: `character:${u}`, maxActive: 1 };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => submitJob(t.deps, { userId: u, app: 'gallery-test', pipeline: 't.gated', input: {}, entity, daily: { key: 'imagesPerDay', units: 8 } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'ENTITY_BUSY' });
    const ok = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>;
    await cancelJob(t.deps, { userId: u, isAdmin: false }, ok.value.id);
    // The cancelled job gave its 8 units back: 3 more batches of 8 fit in 24, the 4th does not.
    for (let i = 0; i < 3; i++) {
      const j = await submitJob(t.deps, { userId: u, app: 'gallery-test', pipeline: 't.noop', input: {}, daily: { key: 'imagesPerDay', units: 8 } });
      await t.waitForJob(j.id, ['completed']);
    }
    await expect(submitJob(t.deps, { userId: u, app: 'gallery-test', pipeline: 't.noop', input: {}, daily: { key: 'imagesPerDay', units: 8 } }))
      .rejects.toMatchObject({ code: 'DAILY_LIMIT' });
  });
});
