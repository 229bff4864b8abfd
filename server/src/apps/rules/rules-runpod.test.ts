import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuTask } from '../../core/ports/gpu-work';
import { startRunpodContract, type RunpodContract } from '../../testing/contracts/runpod-contract';
import { s3User, uploadedBatch } from '../../testing/rules-flow';
import { createTestPlatform, silentLogger, type TestPlatform } from '../../testing/test-platform';
import { runRuleTask } from './rules-gpu-task';

const KEY = 'rpa_test-gpu-key-0123456789ABCDEF';
const ENDPOINT = 'ep-gpu';

let t: TestPlatform;
let runpod: RunpodContract;
/** Items whose first N runs on the endpoint crash (the handler throws: Runpod answers FAILED, no report). */
const crashes = new Map<string, number>();

beforeAll(async () => {
  // The endpoint's handler is our own task code, reaching the platform in-process, as a worker image would over the network.
  runpod = await startRunpodContract({
    apiKey: KEY, endpoint: ENDPOINT, settleAfterMs: 5,
    handler: async (task: GpuTask) => {
      const left = crashes.get(task.task_id) ?? 0;
      if (left > 0) {
        crashes.set(task.task_id, left - 1);
        throw new Error('CUDA out of memory');
      }
      return runRuleTask(task, { fetch: async (url, init) => t.app.request(url, init), imageOps: t.deps.providers.imageOps, log: silentLogger, now: () => new Date(), compute: (work) => work() });
    },
    deliver: async (url, body) => void (await t.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })),
  });
  t = await createTestPlatform({
    env: { GPU_DISPATCH: 'runpod', RUNPOD_API_KEY: KEY, RUNPOD_BASE_URL: `${runpod.server.url}/v2`, RUNPOD_GPU_ENDPOINT: ENDPOINT, GPU_WORKER_CONCURRENCY: '0' },
  });
});
afterAll(async () => {
  await t?.dispose();
  await runpod?.close();
});

const runsOf = (jobId: string) => [...runpod.jobs.values()].filter((j) => j.input.job_id === jobId);

async function run(count: number) {
  const { token } = await s3User(t);
  const jobId = await uploadedBatch(t, token, { count });
  expect((await t.call('POST', `/s3/jobs/${jobId}/execute`, { token })).status).toBe(200);
  return { token, jobId };
}

describe('seed 003 GPU work on a Runpod endpoint (GPU_DISPATCH=runpod)', () => {
  it('sends each photo as a Runpod job (/run with the callback as its webhook); the reports and the webhooks\' copies settle each once', async () => {
    const { token, jobId } = await run(3);
    await t.waitForJob(jobId, ['completed', 'failed']);
    const view = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
    expect(view).toMatchObject({ status: 'completed', progress: { done: 3, failed: 0, total: 3 }, credits: { charged: 3, refunded: 0 } });
    const runs = runsOf(jobId);
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r.webhook).toBe(`http://mediaforge.test/s3/jobs/${jobId}/callback`);
      expect(r.input).toMatchObject({ kind: 'rules.apply', job_id: jobId, callback: { url: r.webhook, secret: expect.stringMatching(/^whsec_/) } });
      expect(r.policy).toMatchObject({ executionTimeout: expect.any(Number), ttl: expect.any(Number) });
      expect(r.status).toBe('COMPLETED');
    }
  });

  it('a Runpod job that FAILED without a report is found by the poll (/status) and sent again; one that keeps failing fails its photo, refunded', async () => {
    // The crashes are set by task id, known once the job exists and before it is executed.
    const { token: token2 } = await s3User(t);
    const next = await uploadedBatch(t, token2, { count: 3 });
    crashes.set(`${next}.1`, 1);
    crashes.set(`${next}.2`, 99);
    expect((await t.call('POST', `/s3/jobs/${next}/execute`, { token: token2 })).status).toBe(200);
    await t.waitForJob(next, ['completed', 'failed'], 60_000);
    const view = (await t.call('GET', `/s3/jobs/${next}`, { token: token2 })).body.data;
    expect(view).toMatchObject({ status: 'completed', progress: { done: 2, failed: 1, total: 3 }, credits: { charged: 3, refunded: 1 } });
    expect(view.items[2].error).toMatchObject({ code: 'GPU_WORKER_FAILED' });
    const runs = runsOf(next);
    expect(runs.filter((r) => r.input.item === 0)).toHaveLength(1);
    expect(runs.filter((r) => r.input.item === 1).map((r) => r.status)).toEqual(['FAILED', 'COMPLETED']);
    expect(runs.filter((r) => r.input.item === 2).map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
  }, 90_000);

  it('a webhook whose report is forged is refused; one without a report is only acknowledged', async () => {
    const { jobId } = await run(1);
    await t.waitForJob(jobId, ['completed']);
    const forged = await t.call('POST', `/s3/jobs/${jobId}/callback`, {
      body: { id: 'job-x', status: 'COMPLETED', output: { callback: { headers: { 'webhook-id': 'm1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{"item":0,"status":"failed","error":{"code":"X","message":"y"}}' } } },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('AUTH_INVALID');
    const bare = await t.call('POST', `/s3/jobs/${jobId}/callback`, { body: { id: 'job-y', status: 'FAILED', error: 'boom' } });
    expect(bare.status).toBe(200);
    expect(bare.body.data).toEqual({ runpod_job: 'job-y', runpod_status: 'FAILED', taken: false });
    expect((await t.call('POST', `/s3/jobs/${jobId}/callback`, { body: { hello: 1 } })).body.error.code).toBe('AUTH_REQUIRED');
  });
});
