import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalStepError } from '../../../core/jobs/step-errors';
import { newJobId, submitJob } from '../../../services/jobs/submit-job';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../../testing/test-platform';

/**
 * POST /v1/admin/jobs/{id}/retry: a failed job runs again from its unfinished steps, at no new
 * charge, through the transition table (failed -> queued) and its effects.
 */

/** Jobs whose `judge` step fails (for good) while they are listed; each run of each step counted. */
const failing = new Set<string>();
const runs = new Map<string, number>();
const count = (jobId: string, step: string) => runs.set(`${jobId}:${step}`, (runs.get(`${jobId}:${step}`) ?? 0) + 1);
const ran = (jobId: string, step: string) => runs.get(`${jobId}:${step}`) ?? 0;

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => {
      r.register({
        id: 't.retry', app: 'test', input: z.looseObject({}),
        steps: [
          // Plans something: no asset, stays done across a retry.
          { name: 'plan', weight: 1, output: z.json(), run: async (ctx) => { count(ctx.job.id, 'plan'); return { output: { shots: 2 } }; } },
          // Makes an output: deleted when the job fails, so a retry makes it again.
          {
            name: 'draw', weight: 1, output: z.json(),
            run: async (ctx) => {
              count(ctx.job.id, 'draw');
              const a = await ctx.saveAsset({ slot: 'frame', kind: 'image', body: Buffer.from('frame'), mime: 'image/png', ext: 'png' });
              return { output: { asset: a.id, key: a.storageKey } };
            },
          },
          {
            name: 'judge', weight: 1, output: z.json(),
            run: async (ctx) => {
              count(ctx.job.id, 'judge');
              if (failing.has(ctx.job.id)) throw new FatalStepError('the provider refused the input', 'REFUSED');
              const { key } = ctx.outputs.draw as { key: string };
              // The object the step before made exists: a retry did not resume from a deleted output.
              const body = await ctx.storage.get(key, 1024);
              if (body?.toString() !== 'frame') throw new FatalStepError(`the frame ${key} is gone`, 'NO_FRAME');
              return { output: { ok: true } };
            },
          },
        ],
      });
    },
  });
});
afterAll(async () => t?.dispose());

const balanceOf = async (token: string) => (await t.call('GET', '/v1/me', { token })).body.credits as number;
const ledgerOf = (jobId: string) => t.deps.store.read((r) => r.ledger.listForJob(jobId));

async function failedJob(userId: string, items = false) {
  const jobId = newJobId();
  failing.add(jobId);
  await submitJob(t.deps, {
    userId, app: 'test', pipeline: 't.retry', input: {}, cost: 3, jobId,
    ...(items ? { items: [{ input: {}, cost: 1 }, { input: {}, cost: 1 }] } : {}),
  });
  const job = await t.waitForJob(jobId, ['failed']);
  expect(job.error).toMatchObject({ code: 'REFUSED', step: 'judge' });
  return jobId;
}

describe('POST /v1/admin/jobs/{id}/retry', () => {
  it('runs a failed job again from its unfinished steps and completes it, the user\'s balance unchanged', async () => {
    const me = await t.signUp();
    const before = await balanceOf(me.token);
    const jobId = await failedJob(me.userId, true);
    expect(await balanceOf(me.token), 'refunded when it failed').toBe(before);
    failing.delete(jobId);

    const res = await t.call('POST', `/v1/admin/jobs/${jobId}/retry`, { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.body.job).toMatchObject({ id: jobId, status: 'queued', run: 2, userId: me.userId });
    const done = await t.waitForJob(jobId, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.error).toBeNull();
    expect(done.history.map((h) => h.status)).toEqual(['queued', 'running', 'failed', 'queued', 'running', 'completed']);
    expect(done.history[3]).toMatchObject({ note: 'retried by an admin' });
    // plan stayed done; draw's output had been deleted with the failure, so it ran again; judge ran again.
    expect([ran(jobId, 'plan'), ran(jobId, 'draw'), ran(jobId, 'judge')]).toEqual([1, 2, 2]);
    const detail = await t.call('GET', `/v1/jobs/${jobId}`, { token: me.token });
    expect(detail.body.items.map((i: { status: string }) => i.status)).toEqual(['failed', 'failed']);

    // No new charge: the job-level charge and the items' were refunded once, nothing charged again.
    expect(await balanceOf(me.token)).toBe(before);
    const ledger = await ledgerOf(jobId);
    expect(ledger.filter((e) => e.kind === 'charge').map((e) => e.amount).sort((a, b) => a - b)).toEqual([-3, -1, -1]);
    expect(ledger.filter((e) => e.kind === 'refund').map((e) => e.amount).sort((a, b) => a - b)).toEqual([1, 1, 3]);
    expect(detail.body.assets.map((a: { slot: string }) => a.slot)).toEqual(['frame']);
  });

  it('refunds nothing a second time when the retried job fails again, and may retry again', async () => {
    const me = await t.signUp();
    const before = await balanceOf(me.token);
    const jobId = await failedJob(me.userId);
    expect((await t.call('POST', `/v1/admin/jobs/${jobId}/retry`, { token: TEST_ADMIN_KEY })).status).toBe(200);
    const again = await t.waitForJob(jobId, ['failed'], 20_000);
    expect(again.run).toBe(2);
    expect(again.error).toMatchObject({ code: 'REFUSED' });
    expect(again.error).not.toHaveProperty('refunded');
    expect(await balanceOf(me.token)).toBe(before);
    expect((await ledgerOf(jobId)).filter((e) => e.kind === 'refund')).toHaveLength(1);

    failing.delete(jobId);
    expect((await t.call('POST', `/v1/admin/jobs/${jobId}/retry`, { token: TEST_ADMIN_KEY })).body.job.run).toBe(3);
    expect((await t.waitForJob(jobId, ['completed'])).status).toBe('completed');
    expect(await balanceOf(me.token)).toBe(before);
  });

  it('answers 409 JOB_NOT_FAILED for a job that is not failed, 404 for none, 403 for a non-admin and 401 without a token', async () => {
    const me = await t.signUp();
    const jobId = newJobId();
    await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.retry', input: {}, cost: 1, jobId });
    await t.waitForJob(jobId, ['completed']);
    const conflict = await t.call('POST', `/v1/admin/jobs/${jobId}/retry`, { token: TEST_ADMIN_KEY });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('JOB_NOT_FAILED');
    const missing = await t.call('POST', '/v1/admin/jobs/job_nope/retry', { token: TEST_ADMIN_KEY });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('JOB_NOT_FOUND');

    const failed = await failedJob(me.userId);
    const refused = await t.call('POST', `/v1/admin/jobs/${failed}/retry`, { token: me.token });
    expect(refused.status).toBe(403);
    expect((await t.call('POST', `/v1/admin/jobs/${failed}/retry`)).status).toBe(401);
    expect((await t.deps.store.read((r) => r.jobs.get(failed)))!.status).toBe('failed');
  });

  it('lets a user whose role is admin retry, and is in the OpenAPI document', async () => {
    const admin = await t.signUp();
    await t.call('PATCH', `/v1/admin/users/${admin.userId}`, { token: TEST_ADMIN_KEY, body: { role: 'admin' } });
    const owner = await t.signUp();
    const jobId = await failedJob(owner.userId);
    failing.delete(jobId);
    expect((await t.call('POST', `/v1/admin/jobs/${jobId}/retry`, { token: admin.token })).status).toBe(200);
    expect((await t.waitForJob(jobId, ['completed'])).status).toBe('completed');
    const doc = await t.call('GET', '/openapi.json');
    const op = doc.body.paths['/v1/admin/jobs/{id}/retry'].post;
    expect(op.operationId).toBe('adminRetryJob');
    expect(op.description).toMatch(/no charge/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
  });
});
