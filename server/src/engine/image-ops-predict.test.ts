import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { submitJob } from '../services/jobs/submit-job';
import { startRunpodContract, type RunpodContract } from '../testing/contracts/runpod-contract';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../testing/test-platform';
import { stepsFor, type PipelineDef } from './pipeline';

/**
 * The image operations capability through the engine: a step's `ctx.predict('op', 'imageOps', ...)`
 * completes on the stub, and on Runpod (its contract server) chosen by IMAGE_OPS_PROVIDERS, polling
 * alone completing the call, which is recorded (GET /v1/admin/jobs/{id}/calls).
 */

const Input = z.object({ scale: z.union([z.literal(2), z.literal(4)]) });
const step = stepsFor<z.infer<typeof Input>>();
let photo: Buffer;
const cutAndUpscale = step({
  name: 'ops', weight: 1, output: z.object({ cut: z.object({ w: z.number(), h: z.number(), alpha: z.boolean() }), up: z.object({ w: z.number(), h: z.number() }) }),
  async run(ctx) {
    const cut = await ctx.predict('cut', 'imageOps', { operation: 'remove_background', image: photo });
    const up = await ctx.predict('up', 'imageOps', { operation: 'upscale', image: cut.png, scale: ctx.input.scale });
    const meta = await sharp(cut.png).metadata();
    return { output: { cut: { w: cut.width, h: cut.height, alpha: meta.hasAlpha === true }, up: { w: up.width, h: up.height } } };
  },
});
const pipelines: PipelineDef[] = [{ id: 't.imageops', app: 'test', input: Input, steps: [cutAndUpscale] }];

beforeAll(async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="32"><rect width="100%" height="100%" fill="#eeeeee"/><circle cx="24" cy="16" r="8" fill="#2244cc"/></svg>';
  photo = await sharp(Buffer.from(svg)).jpeg().toBuffer();
});

async function runJob(t: TestPlatform) {
  const { userId } = await t.signUp();
  const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.imageops', input: { scale: 4 } });
  const job = await t.waitForJob(id, ['completed', 'failed'], 20_000);
  expect(job.status, JSON.stringify(job.error)).toBe('completed');
  const res = await t.call('GET', `/v1/admin/jobs/${id}/calls`, { token: TEST_ADMIN_KEY });
  expect(res.status).toBe(200);
  const steps = await t.deps.store.read((r) => r.steps.list(id));
  // The cut-out is the photo's size with an alpha channel; the upscale four times it.
  expect(steps[0]).toMatchObject({ status: 'done', output: { cut: { w: 48, h: 32, alpha: true }, up: { w: 192, h: 128 } } });
  return { job, calls: res.body.calls as { capability: string; provider: string; status: string; key: string; model: string | null }[] };
}

describe('ctx.predict on imageOps', () => {
  describe('with the stub (the default)', () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await createTestPlatform({ pipelines: (r) => pipelines.forEach((p) => r.register(p)) });
    });
    afterAll(async () => t?.dispose());

    it('completes, with both calls recorded', async () => {
      const { calls } = await runJob(t);
      expect(calls.map((c) => [c.capability, c.provider, c.key, c.status])).toEqual([
        ['imageOps', 'stub-imageOps', 'cut', 'succeeded'],
        ['imageOps', 'stub-imageOps', 'up', 'succeeded'],
      ]);
    });
  });

  describe('with IMAGE_OPS_PROVIDERS=runpod on its contract server', () => {
    let t: TestPlatform;
    let runpod: RunpodContract;
    beforeAll(async () => {
      runpod = await startRunpodContract({ apiKey: 'rpa_engine-test-key', endpoint: 'ep-engine', settleAfterMs: 100 });
      t = await createTestPlatform({
        env: { IMAGE_OPS_PROVIDERS: 'runpod', RUNPOD_API_KEY: 'rpa_engine-test-key', RUNPOD_BASE_URL: `${runpod.server.url}/v2`, RUNPOD_IMAGE_OPS_ENDPOINT: 'ep-engine' },
        settings: { predictionPollMs: 100 },
        pipelines: (r) => pipelines.forEach((p) => r.register(p)),
      });
    });
    afterAll(async () => {
      await t?.dispose();
      await runpod?.close();
    });

    it('completes by polling, both calls recorded as runpod on the endpoint', async () => {
      const { calls } = await runJob(t);
      expect(calls.map((c) => [c.capability, c.provider, c.key, c.status, c.model])).toEqual([
        ['imageOps', 'runpod', 'cut', 'succeeded', 'endpoint ep-engine'],
        ['imageOps', 'runpod', 'up', 'succeeded', 'endpoint ep-engine'],
      ]);
      const runs = runpod.server.requests.filter((r) => r.method === 'POST');
      expect(runs.map((r) => r.json.input.operation)).toEqual(['remove_background', 'upscale']);
      expect(runs.every((r) => r.json.webhook === undefined)).toBe(true);
      expect(runpod.server.requests.some((r) => r.url.pathname.startsWith('/v2/ep-engine/status/'))).toBe(true);
    });
  });
});
