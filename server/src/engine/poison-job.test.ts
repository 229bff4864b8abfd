import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitJob } from '../services/jobs/submit-job';
import { transition } from '../services/jobs/transition';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import { MAX_WORKER_LOSSES } from './reconciler';
import { RELEASED_AT_SHUTDOWN } from './runner';

/**
 * Issue 7: a job whose processing takes its process down (embedded mode: one process, restarted)
 * is failed and refunded after MAX_WORKER_LOSSES restarts instead of being picked up on every one.
 * Each "crash" is the state a killed process leaves: the job running under a worker that is gone.
 */
let t: TestPlatform;
let userId: string;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false, pipelines: (r) => r.register({ id: 't.never', app: 'test', input: z.looseObject({}), steps: [{ name: 's', weight: 1, output: z.json(), run: async () => ({ output: null }) }] }) });
  ({ userId } = await t.signUp());
});
afterAll(async () => t?.dispose());

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);

/** The process took the job, then died: running, leased to a worker that will never renew. */
async function crashWhileRunning(jobId: string, deadWorker: string) {
  const job = (await t.deps.store.read((r) => r.jobs.get(jobId)))!;
  expect(job.status).toBe('queued');
  const now = t.deps.clock.now();
  const claimed = await t.deps.store.relaxed((r) => r.jobs.claim(jobId, job.run, deadWorker, new Date(now.getTime() + 3_600_000), now));
  expect(claimed?.status).toBe('running');
}

describe('a job that keeps killing its process', () => {
  it('is requeued on the first restarts, then failed and refunded', async () => {
    const before = await balance();
    const job = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.never', input: {}, cost: 2 });
    expect(await balance()).toBe(before - 2);
    for (let restart = 1; restart <= MAX_WORKER_LOSSES; restart++) {
      await crashWhileRunning(job.id, `w-dead-${restart}`);
      await t.reconciler.recoverAfterRestart();
      const after = (await t.deps.store.read((r) => r.jobs.get(job.id)))!;
      expect(after, `restart ${restart}`).toMatchObject({ status: 'queued', run: restart + 1, leaseOwner: null });
    }
    await crashWhileRunning(job.id, 'w-dead-last');
    await t.reconciler.recoverAfterRestart();
    const failed = (await t.deps.store.read((r) => r.jobs.get(job.id)))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'WORKER_LOST', refunded: 2 });
    expect(failed.history.filter((h) => h.note === 'worker lost; requeued')).toHaveLength(MAX_WORKER_LOSSES);
    expect(await balance()).toBe(before);
    // A further restart leaves it alone.
    await t.reconciler.recoverAfterRestart();
    expect((await t.deps.store.read((r) => r.jobs.get(job.id)))!.status).toBe('failed');
  });

  it('a job given back at shutdown is not counted as a loss', async () => {
    // RELEASED_AT_SHUTDOWN is another note: a deploy's restarts must not fail a healthy job.
    const job = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.never', input: {}, cost: 1 });
    for (let i = 0; i < MAX_WORKER_LOSSES + 2; i++) {
      await crashWhileRunning(job.id, `w-stopping-${i}`);
      await t.deps.store.tx(async (r) => {
        const current = (await r.jobs.getForUpdate(job.id))!;
        await transition(r, current, 'queued', { run: current.run + 1, leaseOwner: null, leaseUntil: null }, RELEASED_AT_SHUTDOWN, t.deps.clock.now());
      });
    }
    await crashWhileRunning(job.id, 'w-dead');
    await t.reconciler.recoverAfterRestart();
    expect((await t.deps.store.read((r) => r.jobs.get(job.id)))!.status).toBe('queued');
  });
});
