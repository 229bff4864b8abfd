import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDef } from '../engine/pipeline';
import { RELEASED_AT_SHUTDOWN } from '../engine/runner';
import { submitJob } from '../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';

/**
 * Issue 7: a stopping worker waits for a running job only for SHUTDOWN_GRACE_MS, then gives it back
 * (queued for its next run) and returns; the next start runs it to the end, charged once.
 */
const gates = new Map<string, (late: boolean) => void>();
const held: PipelineDef = {
  id: 't.held', app: 'test', input: z.looseObject({}),
  steps: [{
    name: 'hold', weight: 1, output: z.json(),
    run: async (ctx) => {
      // Run 1 holds until the test lets it go (as a hung provider call would); later runs pass.
      if (ctx.job.run > 1) return { output: { run: ctx.job.run } };
      const late = await new Promise<boolean>((resolve) => gates.set(ctx.job.id, resolve));
      if (late) await ctx.setState({ lateWrite: true });
      return { output: { run: ctx.job.run } };
    },
  }],
};

let t: TestPlatform;
let userId: string;
beforeAll(async () => {
  t = await createTestPlatform({ env: { SHUTDOWN_GRACE_MS: '300' }, pipelines: (r) => r.register(held) });
  ({ userId } = await t.signUp());
});
afterAll(async () => {
  for (const open of gates.values()) open(false);
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
async function heldJob() {
  const job = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.held', input: {}, cost: 1 });
  for (let i = 0; i < 500 && !gates.has(job.id); i++) await new Promise((r) => setTimeout(r, 10));
  expect(gates.has(job.id), 'the job is running').toBe(true);
  return job;
}

describe('Worker.stop', () => {
  it('lets a job that ends within the grace period finish', async () => {
    const job = await heldJob();
    const stopping = t.worker.stop();
    setTimeout(() => gates.get(job.id)!(false), 50);
    await stopping;
    const done = await t.waitForJob(job.id, ['completed', 'failed', 'queued']);
    expect(done.status).toBe('completed');
    expect(done.history.some((h) => h.note === RELEASED_AT_SHUTDOWN)).toBe(false);
    await t.worker.start();
  });

  it('gives a job still running after the grace period back, and the next start completes it, charged once', async () => {
    const before = await balance();
    const job = await heldJob();
    await t.worker.stop();
    const released = await t.deps.store.read((r) => r.jobs.get(job.id));
    expect(released).toMatchObject({ status: 'queued', run: 2, leaseOwner: null });
    expect(released!.history.at(-1)).toMatchObject({ status: 'queued', note: RELEASED_AT_SHUTDOWN });

    // The released run's late write is refused: the job is no longer this worker's.
    gates.get(job.id)!(true);
    await new Promise((r) => setTimeout(r, 100));
    expect((await t.deps.store.read((r) => r.jobs.get(job.id)))!.state).not.toHaveProperty('lateWrite');

    await t.worker.start();
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toBeNull();
    expect(done.state).not.toHaveProperty('lateWrite');
    expect(await balance()).toBe(before - 1);
  });
});
