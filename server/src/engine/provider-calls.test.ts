import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultFfmpegPath, FfmpegRunner } from '../adapters/media/ffmpeg-runner';
import { ProviderError } from '../adapters/providers/provider-error';
import { RoutedModeration } from '../adapters/providers/routing/routed-moderation';
import { RoutedProvider } from '../adapters/providers/routing/routed-provider';
import { createStubProviders } from '../adapters/providers/stub/stub-providers';
import type {
  GeneratedImage, GeneratedVideo, ImageRequest, ModerationProvider, Prediction, PredictionProvider, Providers, SubmitOptions, VideoRequest,
} from '../core/ports/providers';
import type { ProviderCall } from '../core/ports/store';
import { submitJob } from '../services/jobs/submit-job';
import { callRecorder, recordedModeration } from '../services/providers/provider-calls';
import { TestClock } from '../testing/test-clock';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../testing/test-platform';
import { stepsFor, type PipelineDef } from './pipeline';
import { pollPredictions } from './predict';

/**
 * Every provider call a step makes is recorded (provider_calls): who served it (a router's member,
 * after a failover too), its ids, its status from submitted to settled, once, with its latency on
 * the injected clock; moderation calls with no job. GET /v1/admin/providers sums them up.
 */

const clock = new TestClock();

/** An image provider that is down (503 on submit) or up (settles at once with a tiny frame). */
const fal = (() => {
  let down = true;
  let n = 0;
  const provider: PredictionProvider<ImageRequest, GeneratedImage> = {
    name: 'fal',
    model: 'fal-ai/flux/schnell',
    async submit() {
      clock.advance(7);
      if (down) throw new ProviderError('fal: 503 Service Unavailable: overloaded', true, 'fal', { status: 503 });
      return { id: `req_${++n}|fal-ai/flux/schnell` };
    },
    async get(id) {
      return { id, status: 'succeeded', output: { png: Buffer.from('fal frame'), width: 8, height: 8 } };
    },
  };
  return { provider, set: (d: boolean) => (down = d) };
})();

/** A video provider whose predictions settle when the test says (with or without its webhook), or are forgotten. */
const replicate = (() => {
  const predictions = new Map<string, { webhook?: SubmitOptions['webhook']; settled: Prediction<GeneratedVideo> | null }>();
  const submitted: string[] = [];
  const provider: PredictionProvider<VideoRequest, GeneratedVideo> = {
    name: 'replicate',
    model: 'minimax/video-01',
    async submit(_req, opts = {}) {
      const id = `rep${submitted.length + 1}|v1`;
      submitted.push(id);
      predictions.set(id, { webhook: opts.webhook, settled: null });
      return { id };
    },
    async get(id) {
      const p = predictions.get(id);
      return p ? (p.settled ?? { id, status: 'processing' }) : null;
    },
  };
  return {
    provider,
    submitted,
    settle(id: string, how: { webhook: boolean; cost?: number }) {
      const p = predictions.get(id)!;
      p.settled = { id, status: 'succeeded', output: { mp4: Buffer.from('mp4'), durationSec: 1, width: 8, height: 8 }, ...(how.cost !== undefined ? { cost: how.cost } : {}) };
      if (how.webhook) p.webhook?.({ id, status: 'succeeded' });
    },
    forget: (id: string) => predictions.delete(id),
  };
})();

const Input = z.object({ seed: z.number().int() });
const step = stepsFor<z.infer<typeof Input>>();
const make = step({
  name: 'make', weight: 1, output: z.object({ frame: z.string() }),
  async run(ctx) {
    const frame = await ctx.predict('frame', 'image', { prompt: 'a lighthouse', width: 16, height: 16, seed: ctx.input.seed });
    await ctx.predict('clip', 'video', { prompt: 'waves', image: frame.png, durationSec: 1, width: 8, height: 8, seed: ctx.input.seed }, { pollIntervalMs: 1000 });
    return { output: { frame: frame.png.subarray(0, 8).toString('hex') } };
  },
});
const pipelines: PipelineDef[] = [{ id: 't.calls', app: 'test', input: Input, steps: [make] }];

let t: TestPlatform;
let stubModeration: ModerationProvider;
let userId: string;
let userToken: string;
beforeAll(async () => {
  const stub = createStubProviders({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
  stubModeration = stub.moderation;
  const providers: Providers = {
    ...stub,
    image: new RoutedProvider('image', [fal.provider, stub.image], { clock }),
    video: new RoutedProvider('video', [replicate.provider], { clock }),
  };
  t = await createTestPlatform({
    clock, overrides: { providers }, pipelines: (r) => pipelines.forEach((p) => r.register(p)),
    // Only the test's ticks poll: it moves the clock past the poll interval first.
    reconcileEveryMs: 3_600_000,
  });
  ({ userId, token: userToken } = await t.signUp());
}, 120_000);
afterAll(async () => t?.dispose());

const callsOf = (jobId: string) => t.deps.store.read((r) => r.providerCalls.listForJob(jobId));
const shape = (c: ProviderCall) => ({ capability: c.capability, provider: c.provider, status: c.status, predictionId: c.predictionId, latencyMs: c.latencyMs });

async function waitingFor(jobId: string, n: number) {
  for (;;) {
    const j = await t.waitForJob(jobId, ['waiting', 'failed', 'completed'], 20_000);
    if (j.status !== 'waiting') throw new Error(`job ${j.status} while it should wait: ${JSON.stringify(j.error)}`);
    if (replicate.submitted.length === n) return j;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('provider calls, recorded by the engine', () => {
  let firstJob: string;

  it('records a failover with the provider that served, and each call settled once with its latency on the clock', async () => {
    fal.set(true);
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.calls', input: { seed: 1 } });
    firstJob = id;
    const waiting = await waitingFor(id, 1);
    const submittedAt = clock.now();
    const calls = await callsOf(id);
    expect(calls.map(shape)).toEqual([
      // fal refused at once (503): its attempt is a failed call of 7 ms; the stub took the image.
      { capability: 'image', provider: 'fal', status: 'failed', predictionId: null, latencyMs: 7 },
      { capability: 'image', provider: 'stub-image', status: 'succeeded', predictionId: expect.stringMatching(/^stub-image:stubimg_/), latencyMs: 0 },
      { capability: 'video', provider: 'replicate', status: 'submitted', predictionId: 'replicate:rep1|v1', latencyMs: null },
    ]);
    expect(calls[0]).toMatchObject({ jobId: id, step: 'make', key: 'frame', model: 'fal-ai/flux/schnell', error: 'fal: 503 Service Unavailable: overloaded' });
    expect(calls[2]).toMatchObject({ key: 'clip', model: 'minimax/video-01', externalId: 'rep1', settledAt: null });
    // The trace says who served each call, and who failed it first.
    const traced = waiting.trace.map((e) => e.message);
    expect(traced).toContain(`image frame: fal failed (fal: 503 Service Unavailable: overloaded); submitted to stub-image, id ${calls[1]!.externalId}`);
    expect(traced).toContain('video clip: submitted to replicate (minimax/video-01), id rep1');
    // Another helper's webhook route finds the waiting step by the provider's own id.
    expect(await t.deps.store.read((r) => r.providerCalls.findByExternalId('replicate', 'rep1'))).toEqual({ jobId: id, step: 'make' });
    expect(await t.deps.store.read((r) => r.providerCalls.findByExternalId('fal', 'rep1'))).toBeNull();

    clock.advance(1_500);
    replicate.settle('rep1|v1', { webhook: true, cost: 0.42 });
    expect((await t.waitForJob(id, ['completed', 'failed'])).status).toBe('completed');
    const clip = (await callsOf(id))[2]!;
    expect(clip).toMatchObject({ status: 'succeeded', latencyMs: 1_500, cost: 0.42, error: null });
    expect(clip.settledAt?.getTime()).toBe(submittedAt.getTime() + 1_500);

    // Seen settled again (a late poll, a replay): nothing changes.
    clock.advance(60_000);
    const job = (await t.deps.store.read((r) => r.jobs.get(id)))!;
    await pollPredictions(job.state, 'make', t.deps.providers, callRecorder(t.deps, { jobId: id, step: 'make' }));
    expect((await callsOf(id))[2]).toEqual(clip);
    expect(await t.deps.store.read((r) => r.providerCalls.settle('replicate:rep1|v1', { status: 'failed', error: 'x', cost: null, at: clock.now() }))).toBeNull();
  });

  it('a poll settles a call whose webhook never came; a lost prediction is recorded lost, and its resubmission anew', async () => {
    fal.set(false);
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.calls', input: { seed: 2 } });
    await waitingFor(id, 2);
    replicate.forget('rep2|v1');
    clock.advance(1_000);
    await t.reconciler.tick();
    await waitingFor(id, 3);
    clock.advance(250);
    replicate.settle('rep3|v1', { webhook: false });
    clock.advance(1_000);
    await t.reconciler.tick();
    expect((await t.waitForJob(id, ['completed', 'failed'])).status).toBe('completed');
    const calls = await callsOf(id);
    expect(calls.map(shape)).toEqual([
      { capability: 'image', provider: 'fal', status: 'succeeded', predictionId: 'fal:req_1|fal-ai/flux/schnell', latencyMs: 7 },
      { capability: 'video', provider: 'replicate', status: 'lost', predictionId: 'replicate:rep2|v1', latencyMs: 1_000 },
      { capability: 'video', provider: 'replicate', status: 'succeeded', predictionId: 'replicate:rep3|v1', latencyMs: 1_250 },
    ]);
    expect(calls[0]).toMatchObject({ externalId: 'req_1', model: 'fal-ai/flux/schnell' });
    expect(calls[1]!.error).toMatch(/no longer knows/);
    expect((await t.deps.store.read((r) => r.jobs.get(id)))!.trace.map((e) => e.message)).toContain('video clip: submitted to replicate (minimax/video-01), id rep3 (submit 2)');
  });

  it('records moderation calls with no job, each provider a router tried', async () => {
    const openai: ModerationProvider = { name: 'openai', model: 'omni-moderation-latest', checkText: async () => { clock.advance(30); throw new ProviderError('openai: 500', true, 'openai'); } };
    const moderation = recordedModeration(t.deps, new RoutedModeration([openai, stubModeration], { clock }));
    const since = clock.now();
    expect(await moderation.checkText('a calm sea')).toMatchObject({ flagged: false });
    const rows = await t.deps.store.read((r) => r.providerCalls.stats(since, 5));
    expect(rows.filter((s) => s.capability === 'moderation').map((s) => [s.provider, s.calls, s.failures])).toEqual(
      expect.arrayContaining([['openai', 1, 1], ['stub-moderation', 1, 0]]),
    );
  });

  it('GET /v1/admin/providers: each configured provider in routing order with the last hour\'s figures; admins only', async () => {
    const res = await t.call('GET', '/v1/admin/providers', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.body.windowMinutes).toBe(60);
    const image = res.body.providers.filter((p: { capability: string }) => p.capability === 'image');
    expect(image).toEqual([
      {
        capability: 'image', provider: 'fal', position: 0, model: 'fal-ai/flux/schnell', calls: 2, failures: 1, errorRate: 0.5,
        p50Ms: 7, p95Ms: 7, circuit: 'closed', lastError: 'fal: 503 Service Unavailable: overloaded',
      },
      { capability: 'image', provider: 'stub-image', position: 1, model: null, calls: 1, failures: 0, errorRate: 0, p50Ms: 0, p95Ms: 0, circuit: 'closed', lastError: null },
    ]);
    expect(res.body.providers.find((p: { capability: string }) => p.capability === 'video')).toMatchObject({
      provider: 'replicate', calls: 3, failures: 1, errorRate: 1 / 3, p50Ms: 1_250, circuit: 'closed',
    });
    expect(res.body.providers.map((p: { capability: string }) => p.capability)).toEqual(['text', 'image', 'image', 'video', 'music', 'moderation', 'imageOps']);

    const calls = await t.call('GET', `/v1/admin/jobs/${firstJob}/calls`, { token: TEST_ADMIN_KEY });
    expect(calls.status).toBe(200);
    expect(calls.body.calls.map((c: { provider: string }) => c.provider)).toEqual(['fal', 'stub-image', 'replicate']);
    expect(calls.body.calls[2]).toMatchObject({ status: 'succeeded', latencyMs: 1_500, externalId: 'rep1', cost: 0.42 });
    expect((await t.call('GET', '/v1/admin/jobs/job_nope/calls', { token: TEST_ADMIN_KEY })).status).toBe(404);

    for (const path of ['/v1/admin/providers', `/v1/admin/jobs/${firstJob}/calls`]) {
      expect((await t.call('GET', path, { token: userToken })).status).toBe(403);
      expect((await t.call('GET', path)).status).toBe(401);
    }
  });

  it('shows a circuit open after the latest calls all failed, then half-open past the cooldown', async () => {
    const at = clock.now();
    await t.deps.store.read(async (r) => {
      for (let i = 0; i < 5; i++) {
        await r.providerCalls.insert({
          jobId: null, step: null, key: null, capability: 'video', provider: 'replicate', model: null, predictionId: null, externalId: null,
          status: 'failed', error: `replicate: 502 (${i})`, latencyMs: 10, cost: null, submittedAt: new Date(at.getTime() + i), settledAt: new Date(at.getTime() + i + 10),
        });
      }
    });
    const video = async () => (await t.call('GET', '/v1/admin/providers', { token: TEST_ADMIN_KEY })).body.providers.find((p: { capability: string }) => p.capability === 'video');
    expect(await video()).toMatchObject({ circuit: 'open', lastError: 'replicate: 502 (4)', failures: 6 });
    clock.advance(30_100);
    expect((await video()).circuit).toBe('half_open');
  });
});
