import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FatalStepError, RetryableStepError } from '../core/jobs/step-errors';
import type { JobStep } from '../core/ports/store';
import { submitJob } from '../services/jobs/submit-job';
import { resumeWait } from '../services/jobs/waits';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import { PipelineRegistry, type PipelineDef, type StepDef } from './pipeline';

/** How many times each step body started, by `jobId:step`. */
const starts = new Map<string, number>();
/** Open gates, by `jobId:step:run`: a step blocks there until the test opens it. */
const gates = new Map<string, () => void>();

const gated = (name: string, opts: { after?: string[]; fail?: 'fatal' | 'once' } = {}): StepDef => ({
  name, weight: 3, output: z.json(), ...(opts.after ? { after: opts.after } : {}),
  run: async (ctx) => {
    const key = `${ctx.job.id}:${name}`;
    starts.set(key, (starts.get(key) ?? 0) + 1);
    if (opts.fail === 'once' && ctx.attempt === 1) throw new RetryableStepError('provider busy');
    await ctx.progress(0.5);
    await new Promise<void>((resolve) => gates.set(`${key}:${ctx.job.run}`, resolve));
    if (opts.fail === 'fatal') throw new FatalStepError('content blocked', 'CONTENT_BLOCKED');
    const asset = await ctx.saveAsset({ slot: name, kind: 'image', body: Buffer.from(name), mime: 'image/png', ext: 'png' });
    return { output: { assetId: asset.id, head: ctx.outputs.head ?? null } };
  },
});
const head: StepDef = { name: 'head', weight: 1, output: z.json(), run: async () => ({ output: 'H' }) };
const fan = ['c1', 'c2', 'c3'];

const pipelines: PipelineDef[] = [
  { id: 'p.fan', app: 'test', input: z.looseObject({}), steps: [head, ...fan.map((n) => gated(n, { after: ['head'] }))] },
  { id: 'p.fanfail', app: 'test', input: z.looseObject({}), steps: [head, gated('c1', { after: ['head'] }), gated('c2', { after: ['head'], fail: 'fatal' }), gated('c3', { after: ['head'] })] },
  { id: 'p.retry', app: 'test', input: z.looseObject({}), steps: [head, gated('c1', { after: ['head'] }), gated('c2', { after: ['head'], fail: 'once' })] },
  {
    // Two outside waits side by side (one polled, one by webhook), then a step that needs both.
    id: 'p.waits', app: 'test', input: z.looseObject({}),
    steps: [
      {
        name: 'render', weight: 1, after: [], output: z.json(),
        run: async (ctx) => (ctx.event === undefined ? { wait: { reason: 'render', timeoutMs: 60_000, pollIntervalMs: 10 } } : { output: ctx.event }),
        poll: async (ctx) => ((ctx.job.state as { ready?: boolean }).ready ? { done: true, event: 'polled' } : { done: false }),
      },
      {
        name: 'review', weight: 1, after: [], output: z.json(),
        run: async (ctx) => (ctx.event === undefined ? { wait: { reason: 'review', timeoutMs: 30_000 } } : { output: ctx.event }),
      },
      gated('slow', { after: [] }),
      { name: 'join', weight: 1, output: z.json(), after: ['render', 'review', 'slow'], run: async (ctx) => ({ output: [ctx.outputs.render!, ctx.outputs.review!] }) },
    ],
    result: ({ outputs }) => outputs.join ?? null,
  },
];

let t: TestPlatform;
let userId: string;
/** The application clock runs this far ahead of real time: a test moves it past a lease instead of sleeping. */
let skewMs = 0;

beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => pipelines.forEach((p) => r.register(p)),
    clock: { now: () => new Date(Date.now() + skewMs) },
    settings: { leaseMs: 5_000 },
  });
  ({ userId } = await t.signUp());
});
afterAll(async () => {
  for (const open of gates.values()) open();
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const submit = (pipeline: string, cost = 0) => submitJob(t.deps, { userId, app: 'test', pipeline, input: {}, cost });
const steps = (jobId: string) => t.deps.store.read((r) => r.steps.list(jobId));
const step = async (jobId: string, name: string) => (await steps(jobId)).find((s) => s.name === name);
async function until(what: string, ok: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 800 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await ok(), what).toBe(true);
}
const reached = (jobId: string, name: string, run = 1) => until(`${name} reached its gate in run ${run}`, () => gates.has(`${jobId}:${name}:${run}`));
const open = (jobId: string, name: string, run = 1) => gates.get(`${jobId}:${name}:${run}`)!();

describe('steps that run side by side', () => {
  it('starts the steps whose needs are done together, each with its own record', async () => {
    const job = await submit('p.fan');
    // All three are inside their step at once: none could have started after another finished.
    for (const n of fan) await reached(job.id, n);
    for (const n of fan) open(job.id, n);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(1);
    const records = (await steps(job.id)).filter((s) => fan.includes(s.name));
    expect(records.map((s) => [s.name, s.status, s.attempts, s.output]).sort()).toEqual(
      fan.map((n) => [n, 'done', 1, { assetId: expect.any(String), head: 'H' }]),
    );
    // Their spans overlap: every one started before any finished.
    const lastStart = Math.max(...records.map((s) => s.startedAt!.getTime()));
    const firstFinish = Math.min(...records.map((s) => s.finishedAt!.getTime()));
    expect(lastStart).toBeLessThanOrEqual(firstFinish);
    expect((await step(job.id, 'head'))!.finishedAt!.getTime()).toBeLessThanOrEqual(Math.min(...records.map((s) => s.startedAt!.getTime())));
  });

  it('reports progress as the weighted sum of its steps, never going back, up to 1', async () => {
    const job = await submit('p.fan');
    for (const n of fan) await reached(job.id, n);
    const seen: number[] = [];
    const progress = async () => (await t.deps.store.read((r) => r.jobs.get(job.id)))!.progress;
    // head (1) done and three steps (3 each) half way: (1 + 4.5) / 10.
    await until('the half-way progress is written', async () => Math.abs((await progress()) - 0.55) < 1e-4);
    seen.push(await progress());
    for (const n of fan) {
      open(job.id, n);
      await until(`${n} is done`, async () => (await step(job.id, n))?.status === 'done');
      seen.push(await progress());
    }
    await t.waitForJob(job.id, ['completed']);
    seen.push(await progress());
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1);
  });

  it('after a crash with one of three done, runs only the other two again', async () => {
    const before = await balance();
    const job = await submit('p.fan', 2);
    for (const n of fan) await reached(job.id, n);
    open(job.id, 'c1');
    await until('c1 is done', async () => (await step(job.id, 'c1'))?.status === 'done');
    // The worker dies; its lease runs out on the clock, not in real time.
    t.runner.abandonAll();
    skewMs += 10_000;
    await t.reconciler.tick();
    await reached(job.id, 'c2', 2);
    await reached(job.id, 'c3', 2);
    open(job.id, 'c2', 2);
    open(job.id, 'c3', 2);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.history.map((h) => h.note ?? h.status)).toContain('worker lost; requeued');
    expect(fan.map((n) => starts.get(`${job.id}:${n}`))).toEqual([1, 2, 2]);
    expect(gates.has(`${job.id}:c1:2`)).toBe(false);
    expect(await balance()).toBe(before - 2);
    const assets = await t.deps.store.read((r) => r.assets.listForJob(job.id));
    expect(assets.map((a) => a.slot).sort()).toEqual(fan);
    for (const n of fan) open(job.id, n);
  });

  it('fails the job once when one step fails, stops the others and refunds once', async () => {
    const before = await balance();
    const job = await submit('p.fanfail', 3);
    for (const n of fan) await reached(job.id, n);
    open(job.id, 'c2');
    const failed = await t.waitForJob(job.id, ['failed', 'completed']);
    expect(failed.error).toMatchObject({ code: 'CONTENT_BLOCKED', step: 'c2', refunded: 3 });
    // The siblings finish after the failure: nothing of theirs is written.
    open(job.id, 'c1');
    open(job.id, 'c3');
    await new Promise((r) => setTimeout(r, 50));
    expect((await steps(job.id)).map((s) => [s.name, s.status]).sort()).toEqual([['c2', 'failed'], ['head', 'done']]);
    expect(await t.deps.store.read((r) => r.assets.listForJob(job.id))).toEqual([]);
    const ledger = await t.deps.store.read((r) => r.ledger.listForJob(job.id));
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([['charge', -3], ['refund', 3]]);
    expect(await balance()).toBe(before);
    const after = await t.deps.store.read((r) => r.jobs.get(job.id));
    expect(after!.history.filter((h) => h.status === 'failed')).toHaveLength(1);
  });

  it('retries a retryable failure in place while its siblings run', async () => {
    const job = await submit('p.retry');
    await reached(job.id, 'c1');
    // c2 failed once, backed off, and runs again in the same run.
    await reached(job.id, 'c2');
    open(job.id, 'c1');
    open(job.id, 'c2');
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'completed']);
    expect((await step(job.id, 'c2'))!.attempts).toBe(2);
    expect(done.trace.map((e) => e.message)).toContain('attempt 1 failed: provider busy');
  });
});

describe('waits beside other steps', () => {
  it('keeps a wait per step, waits on the earliest, and resumes each once', async () => {
    const job = await submit('p.waits');
    await reached(job.id, 'slow');
    // Both waits are recorded while slow still runs: the job keeps running.
    await until('both steps wait', async () => (await steps(job.id)).filter((s) => s.status === 'waiting').length === 2);
    expect((await t.deps.store.read((r) => r.jobs.get(job.id)))!.status).toBe('running');
    open(job.id, 'slow');
    await t.waitForJob(job.id, ['waiting']);
    // One read: the reconciler's polls move the render's next poll and the job's together.
    const { waiting, records } = await t.deps.store.read(async (r) => ({ waiting: (await r.jobs.get(job.id))!, records: await r.steps.list(job.id) }));
    const byName = new Map(records.map((s) => [s.name, s] as [string, JobStep]));
    const render = byName.get('render')!.wait!;
    const review = byName.get('review')!.wait!;
    expect(render).toMatchObject({ reason: 'render', pollIntervalMs: 10, token: expect.any(String) });
    expect(review.token).not.toBe(render.token);
    expect(waiting.wait).toMatchObject({ step: 'review', token: review.token });
    expect(waiting.waitDeadline!.toISOString()).toBe(review.deadline);
    expect(waiting.nextPollAt!.toISOString()).toBe(render.nextPollAt);

    // The review's webhook: that step runs, and the job waits again for the render.
    expect((await resumeWait(t.deps, job.id, { step: 'review', token: review.token }, 'approved')).resumed).toBe(true);
    expect((await resumeWait(t.deps, job.id, { step: 'review', token: review.token }, 'again')).resumed).toBe(false);
    await until('the job waits again after the review ran', async () => (await step(job.id, 'review'))?.status === 'done');
    const again = await t.waitForJob(job.id, ['waiting']);
    expect(again.wait).toMatchObject({ step: 'render', token: render.token });

    // The render's poll reports done: it runs, then join.
    await t.deps.store.tx((r) => r.jobs.update(job.id, { state: { ready: true } }));
    skewMs += 20;
    await t.reconciler.tick();
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.result).toEqual(['polled', 'approved']);
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'waiting', 'queued', 'running', 'waiting', 'queued', 'running', 'completed']);
  });

  it('fails a job when the earliest of its waits passes its deadline, and refunds', async () => {
    const before = await balance();
    const job = await submit('p.waits', 1);
    await reached(job.id, 'slow');
    open(job.id, 'slow');
    await t.waitForJob(job.id, ['waiting']);
    skewMs += 31_000;
    await t.reconciler.tick();
    const failed = await t.waitForJob(job.id, ['failed']);
    expect(failed.error).toMatchObject({ code: 'WAIT_TIMEOUT', step: 'review', refunded: 1 });
    expect(await balance()).toBe(before);
  });
});

describe('the step graph', () => {
  const step = (name: string, after?: string[]): StepDef => ({ name, weight: 1, output: z.json(), ...(after ? { after } : {}), run: async () => ({}) });
  const register = (steps: StepDef[]) => () => new PipelineRegistry().register({ id: 'g.bad', app: 'test', input: z.looseObject({}), steps });

  it('refuses a need that names no step, a step listed twice and a cycle', () => {
    expect(register([step('a'), step('b', ['nope'])])).toThrow('pipeline g.bad: step b needs nope, which is not a step of this pipeline');
    expect(register([step('a'), step('a')])).toThrow('pipeline g.bad: step a is listed twice');
    expect(register([step('a', ['a'])])).toThrow('pipeline g.bad: step a names itself in after');
    expect(register([step('a', ['c']), step('b', ['a']), step('c', ['b'])])).toThrow('pipeline g.bad: steps need one another in a cycle: a -> c -> b -> a');
  });

  it('accepts a chain by default and a fan-out and fan-in', () => {
    expect(register([step('a'), step('b'), step('c')])).not.toThrow();
    expect(register([step('a', []), step('b', []), step('c', ['a', 'b']), step('d', ['a', 'b']), step('e', ['c', 'd'])])).not.toThrow();
  });
});
