import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Json } from '../core/ports/store';
import { submitJob } from '../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import { stepsFor, type PipelineDef, type StepContext } from './pipeline';

/**
 * What a step may touch (storage reads, providers, media and the guarded writes; never the store or
 * the queue), and typed pipelines: the job's input and each step's output are checked against their
 * schemas at the worker boundary.
 */

const seen = { keys: [] as string[], storageKeys: [] as string[], raw: [] as boolean[], bodies: 0 };

const Input = z.object({ n: z.number().int(), label: z.string() });
type Input = z.infer<typeof Input>;
const step = stepsFor<Input>();

const double = step({
  name: 'double',
  weight: 1,
  output: z.object({ twice: z.number() }),
  async run(ctx) {
    seen.bodies++;
    seen.keys = Object.keys(ctx);
    seen.raw = ['deps', 'store', 'queue'].map((k) => k in ctx);
    seen.storageKeys = Object.keys(ctx.storage);
    // @ts-expect-error a step has no raw dependencies
    expect(ctx.deps).toBeUndefined();
    // @ts-expect-error nor the store, which could write past the lease guard
    expect(ctx.store).toBeUndefined();
    // @ts-expect-error nor the queue
    expect(ctx.queue).toBeUndefined();
    // @ts-expect-error storage is read-only: writes go through saveAsset
    expect(ctx.storage.put).toBeUndefined();
    expectTypeOf(ctx.input).toEqualTypeOf<Input>();
    // Extra keys are the schema's to drop: the step sees the parsed input.
    return { output: { twice: ctx.input.n * 2, ...({ extra: 'dropped' } as object) } };
  },
});

const describeIt = step({
  name: 'describe',
  weight: 1,
  output: z.string(),
  async run(ctx) {
    const prior = ctx.output(double);
    expectTypeOf(prior).toEqualTypeOf<{ twice: number }>();
    return { output: `${ctx.input.label}=${prior.twice}` };
  },
});

const typed: PipelineDef<Input> = {
  id: 't.typed', app: 'test', input: Input,
  steps: [double, describeIt],
  result: ({ input, output }) => ({ label: input.label, text: output(describeIt), twice: output(double).twice }),
};

const liar = step({
  name: 'liar',
  weight: 1,
  output: z.object({ items: z.array(z.object({ count: z.number() })) }),
  // The schema's type would refuse this at compile time; a cast stands for a step that goes wrong at run time.
  run: async () => ({ output: { items: [{ count: 'many' }] } as unknown as { items: { count: number }[] } }),
});

const early = step({
  name: 'early',
  weight: 1,
  output: z.json(),
  run: async (ctx) => ({ output: ctx.output(double) as Json }),
});

let t: TestPlatform;
let userId: string;
let token: string;
beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => r
      .register(typed)
      .register({ id: 't.liar', app: 'test', input: Input, steps: [liar] })
      .register({ id: 't.early', app: 'test', input: Input, steps: [early, double] }),
  });
  ({ userId, token } = await t.signUp());
});
afterAll(async () => t?.dispose());

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const run = async (pipeline: string, input: Record<string, Json>, cost = 0) => {
  const job = await submitJob(t.deps, { userId, app: 'test', pipeline, input, cost });
  await t.waitForJob(job.id, ['completed', 'failed']);
  return (await t.call('GET', `/v1/jobs/${job.id}`, { token })).body;
};
const recorded = (jobId: string, step: string) => t.deps.store.read(async (r) => (await r.steps.list(jobId)).find((s) => s.name === step));

describe('a step context', () => {
  it('holds storage reads, providers and media, and no store, queue or raw deps', async () => {
    const job = await run('t.typed', { n: 4, label: 'x' });
    expect(job.status).toBe('completed');
    expect(seen.raw).toEqual([false, false, false]);
    expect(seen.keys).toEqual(expect.arrayContaining(['storage', 'providers', 'media', 'clock', 'log', 'input', 'output', 'saveAsset', 'setState']));
    expect(seen.storageKeys).toEqual(['get']);
  });
});

describe('typed pipelines', () => {
  it('hands steps the parsed input and records each parsed output', async () => {
    const job = await run('t.typed', { n: 21, label: 'answer', ignored: true });
    expect(job.status).toBe('completed');
    expect(job.result).toEqual({ label: 'answer', text: 'answer=42', twice: 42 });
    expect((await recorded(job.id, 'double'))?.output).toEqual({ twice: 42 });
  });

  it('fails a job whose input does not fit, before any step body runs, and refunds it', async () => {
    seen.bodies = 0;
    const before = await balance();
    const job = await run('t.typed', { n: 'four', label: 'x' }, 2);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'INVALID_JOB_INPUT', refunded: 2 });
    expect(job.error.message).toContain('n:');
    expect(seen.bodies).toBe(0);
    expect(await balance()).toBe(before);
  });

  it('never records an output its schema refuses: the job fails with the issue path', async () => {
    const before = await balance();
    const job = await run('t.liar', { n: 1, label: 'x' }, 1);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'INVALID_STEP_OUTPUT', step: 'liar', refunded: 1 });
    expect(job.error.message).toContain('items.0.count');
    expect(await recorded(job.id, 'liar')).toMatchObject({ status: 'failed', output: null });
    expect(await balance()).toBe(before);
  });

  it('fails a step that reads the output of a step not done yet', async () => {
    const job = await run('t.early', { n: 1, label: 'x' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'MISSING_STEP_OUTPUT', step: 'early' });
  });

  it('types a step by its schema', () => {
    expectTypeOf(double.run).parameter(0).toEqualTypeOf<StepContext<Input>>();
    // @ts-expect-error a step must return what its schema describes
    step({ name: 'wrong', weight: 1, output: z.object({ a: z.number() }), run: async () => ({ output: { a: 'text' } }) });
  });
});
