import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalStepError } from '../core/jobs/step-errors';
import type { QueueMessage } from '../core/ports/queue';
import type { JsonObject } from '../core/ports/store';
import { cancelJob } from '../services/jobs/cancel-job';
import { submitJob } from '../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import type { PipelineDef } from './pipeline';

/** How many times each step body ran, by pipeline.step. */
const runs = new Map<string, number>();
const count = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);

const pipelines: PipelineDef[] = [
  {
    id: 'ra.sum', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'sum', weight: 1, output: z.json(), local: true,
      run: async (ctx) => {
        count('sum');
        const { a, b } = ctx.job.input as { a: number; b: number };
        return { output: { sum: a + b } };
      },
    }],
    result: ({ outputs }) => outputs.sum ?? null,
  },
  {
    id: 'ra.mixed', app: 'test', input: z.looseObject({}),
    steps: [
      { name: 'plan', weight: 1, output: z.json(), local: true, run: async (ctx) => (count('plan'), { output: `plan for ${ctx.job.userId}` }) },
      {
        name: 'render', weight: 3, output: z.json(),
        run: async (ctx) => {
          count('render');
          const asset = await ctx.saveAsset({ slot: 'out', kind: 'image', body: Buffer.from(String(ctx.outputs.plan)), mime: 'image/png', ext: 'png' });
          return { output: { assetId: asset.id } };
        },
      },
    ],
  },
  {
    // Declared local but writes: it runs ahead, its write is refused, and it runs again claimed.
    id: 'ra.writes', app: 'test', input: z.looseObject({}),
    steps: [{ name: 'mark', weight: 1, output: z.json(), local: true, run: async (ctx) => (count('mark'), await ctx.setState({ marked: true }), { output: null }) }],
  },
  {
    id: 'ra.fatal', app: 'test', input: z.looseObject({}),
    steps: [{ name: 'reject', weight: 1, output: z.json(), local: true, run: async () => { count('reject'); throw new FatalStepError('input refused', 'INPUT_REFUSED'); } }],
  },
];

let t: TestPlatform;
let userId: string;
const sent: QueueMessage[] = [];

beforeAll(async () => {
  // No worker: each test delivers the real enqueued message to the runner itself.
  t = await createTestPlatform({ pipelines: (r) => pipelines.forEach((p) => r.register(p)), startWorker: false });
  ({ userId } = await t.signUp());
  const enqueue = t.deps.queue.enqueue.bind(t.deps.queue);
  t.deps.queue.enqueue = async (msg, opts) => {
    sent.push(msg);
    return enqueue(msg, opts);
  };
});
afterAll(async () => {
  await t?.dispose();
});

async function submit(pipeline: string, input: JsonObject = {}) {
  const job = await submitJob(t.deps, { userId, app: 'test', pipeline, input });
  const msg = sent.find((m) => m.jobId === job.id);
  expect(msg?.job, 'a first run carries its snapshot').toBeDefined();
  return { job, msg: msg! };
}
const read = (jobId: string) => t.deps.store.read(async (r) => ({ job: (await r.jobs.get(jobId))!, steps: await r.steps.list(jobId) }));

describe('local steps run ahead of the claim', () => {
  it('completes a one-step job from its message: claim, step record and completion in one statement', async () => {
    runs.clear();
    const { job, msg } = await submit('ra.sum', { a: 2, b: 3 });
    await t.runner.handle(msg);
    const { job: done, steps } = await read(job.id);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ sum: 5 });
    expect(done.progress).toBe(1);
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'completed']);
    expect(done.trace.map((e) => [e.step, e.message])).toEqual([['sum', 'done']]);
    expect(done.leaseOwner).toBeNull();
    expect(done.startedAt).not.toBeNull();
    expect(steps.map((s) => [s.name, s.status, s.attempts, s.output])).toEqual([['sum', 'done', 1, { sum: 5 }]]);
    expect(runs.get('sum')).toBe(1);
  });

  it('records the local steps with the claim, then runs the rest under the lease', async () => {
    runs.clear();
    const { job, msg } = await submit('ra.mixed');
    await t.runner.handle(msg);
    const { job: done, steps } = await read(job.id);
    expect(done.status).toBe('completed');
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'completed']);
    expect(steps.map((s) => [s.name, s.status]).sort()).toEqual([['plan', 'done'], ['render', 'done']]);
    expect([runs.get('plan'), runs.get('render')]).toEqual([1, 1]);
    const assets = await t.deps.store.read((r) => r.assets.listForJob(job.id));
    expect(assets.map((a) => a.slot)).toEqual(['out']);
  });

  it('runs a local step that writes again the ordinary way, and its write lands once', async () => {
    runs.clear();
    const { job, msg } = await submit('ra.writes');
    await t.runner.handle(msg);
    const { job: done } = await read(job.id);
    expect(done.status).toBe('completed');
    expect(done.state).toMatchObject({ marked: true });
    expect(runs.get('mark')).toBe(2);
  });

  it('leaves a failing local step to the ordinary run, which records the failure', async () => {
    runs.clear();
    const { job, msg } = await submit('ra.fatal');
    await t.runner.handle(msg);
    const { job: failed, steps } = await read(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'INPUT_REFUSED', step: 'reject' });
    expect(steps.map((s) => [s.name, s.status])).toEqual([['reject', 'failed']]);
  });

  it('writes nothing for a job cancelled before its message arrived', async () => {
    const { job, msg } = await submit('ra.sum', { a: 1, b: 1 });
    await cancelJob(t.deps, { userId, isAdmin: false }, job.id);
    await t.runner.handle(msg);
    const { job: after, steps } = await read(job.id);
    expect(after.status).toBe('cancelled');
    expect(after.history.map((h) => h.status)).toEqual(['queued', 'cancelled']);
    expect(steps).toEqual([]);
  });

  it('takes a job once when its message is delivered twice at the same time', async () => {
    runs.clear();
    const { job, msg } = await submit('ra.mixed');
    await Promise.all([t.runner.handle(msg), t.runner.handle({ ...msg })]);
    const { job: done, steps } = await read(job.id);
    expect(done.status).toBe('completed');
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'completed']);
    expect(steps.map((s) => s.name).sort()).toEqual(['plan', 'render']);
    expect(runs.get('render')).toBe(1);
  });

  it('reads a job whose input is too big to ride in its message', async () => {
    runs.clear();
    const big = 'x'.repeat(10_000);
    const job = await submitJob(t.deps, { userId, app: 'test', pipeline: 'ra.sum', input: { a: 1, b: 2, big } });
    const msg = sent.find((m) => m.jobId === job.id)!;
    expect(msg.job).toBeUndefined();
    await t.runner.handle(msg);
    const { job: done } = await read(job.id);
    expect(done.result).toEqual({ sum: 3 });
    expect(runs.get('sum')).toBe(1);
  });
});
