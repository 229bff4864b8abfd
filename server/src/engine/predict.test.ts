import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultFfmpegPath, FfmpegRunner } from '../adapters/media/ffmpeg-runner';
import { createStubProviders } from '../adapters/providers/stub/stub-providers';
import type { GeneratedImage, GeneratedVideo, ImageRequest, Prediction, PredictionProvider, Providers, SubmitOptions, VideoRequest } from '../core/ports/providers';
import { submitJob } from '../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import { stepsFor, type PipelineDef } from './pipeline';
import { predictionsKey } from './predict';

/**
 * ctx.predict: a step waits for each prediction that has not settled (holding no worker), runs
 * again from its start when the webhook or a poll resumes it, and reads the stored prediction.
 */

/** Predictions that settle when the test says, calling their webhook then; forgotten ones are lost. */
function held<Req, Out>(name: string) {
  const predictions = new Map<string, { req: Req; webhook?: SubmitOptions['webhook']; settled: Prediction<Out> | null }>();
  const submitted: string[] = [];
  /** How many times each prediction was read. */
  const gets = new Map<string, number>();
  let made = 0;
  const provider: PredictionProvider<Req, Out> = {
    name,
    async submit(req, opts = {}) {
      // Unique across the file's tests (they empty `submitted`): provider calls are recorded by id.
      const id = `${name}_${++made}`;
      submitted.push(id);
      predictions.set(id, { req, webhook: opts.webhook, settled: null });
      return { id };
    },
    async get(id) {
      gets.set(id, (gets.get(id) ?? 0) + 1);
      const p = predictions.get(id);
      return p ? (p.settled ?? { id, status: 'processing' }) : null;
    },
  };
  return {
    provider,
    submitted,
    gets,
    settle(id: string, outcome: { output: Out } | { error: { message: string; retryable: boolean } }) {
      const p = predictions.get(id)!;
      p.settled = 'output' in outcome ? { id, status: 'succeeded', output: outcome.output } : { id, status: 'failed', error: outcome.error };
      p.webhook?.({ id, status: p.settled.status });
    },
    forget(id: string) {
      predictions.delete(id);
    },
  };
}

const image = held<ImageRequest, GeneratedImage>('held-image');
const video = held<VideoRequest, GeneratedVideo>('held-video');
const frameOf = (seed: number): GeneratedImage => ({ png: Buffer.from(`frame ${seed}`), width: 8, height: 8 });
const clipOf = (req: VideoRequest): GeneratedVideo => ({ mp4: Buffer.from(`clip of ${req.image?.toString()}`), durationSec: req.durationSec, width: 8, height: 8 });

const Input = z.object({ seed: z.number().int(), pollMs: z.number().int().optional() });
const step = stepsFor<z.infer<typeof Input>>();
let runs = 0;

const frameAndClip = step({
  name: 'frame_and_clip',
  weight: 1,
  output: z.object({ frame: z.string(), clip: z.string() }),
  async run(ctx) {
    runs++;
    const opts = ctx.input.pollMs ? { pollIntervalMs: ctx.input.pollMs } : {};
    const frame = await ctx.predict('keyframe', 'image', { prompt: 'p', width: 8, height: 8, seed: ctx.input.seed }, opts);
    const clip = await ctx.predict('video', 'video', { prompt: 'p', image: frame.png, durationSec: 1, width: 8, height: 8, seed: ctx.input.seed }, opts);
    return { output: { frame: frame.png.toString(), clip: clip.mp4.toString() } };
  },
});

/** The stub's text and music, without a latency: settled when submit returns. */
const instant = step({
  name: 'instant',
  weight: 1,
  output: z.object({ text: z.string(), seconds: z.number() }),
  async run(ctx) {
    const text = await ctx.predict('line', 'text', { prompt: 'one line', seed: ctx.input.seed });
    const bed = await ctx.predict('bed', 'music', { prompt: 'calm', durationSec: 0.2, seed: ctx.input.seed });
    return { output: { text, seconds: bed.durationSec } };
  },
});

const pipelines: PipelineDef[] = [
  { id: 't.pair', app: 'test', input: Input, steps: [frameAndClip] },
  { id: 't.instant', app: 'test', input: Input, steps: [instant] },
];

let t: TestPlatform;
let userId: string;
beforeAll(async () => {
  const stub = createStubProviders({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
  const providers: Providers = { ...stub, image: image.provider, video: video.provider };
  t = await createTestPlatform({ overrides: { providers }, pipelines: (r) => pipelines.reduce((reg, p) => reg.register(p), r) });
  ({ userId } = await t.signUp());
}, 120_000);
afterAll(async () => t?.dispose());

const job = (id: string) => t.deps.store.read((r) => r.jobs.get(id));
const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const waits = async (id: string) => (await job(id))!.history.filter((h) => h.status === 'waiting').length;

/** Resolves once the job waits with `n` submits made to `provider`. */
async function waitingWith(jobId: string, submitted: string[], n: number) {
  for (;;) {
    const j = await t.waitForJob(jobId, ['waiting', 'failed', 'completed'], 20_000);
    if (j.status !== 'waiting') throw new Error(`job ${j.status} while it should wait`);
    if (submitted.length === n) return j;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ctx.predict', () => {
  it('waits for an image and then a video in one step, and finishes with both outputs', async () => {
    runs = 0;
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.pair', input: { seed: 1 } });
    const first = await waitingWith(id, image.submitted, 1);
    expect(first.wait).toMatchObject({ step: 'frame_and_clip', reason: 'image keyframe' });
    expect(video.submitted).toHaveLength(0);
    image.settle(image.submitted[0]!, { output: frameOf(1) });
    await waitingWith(id, video.submitted, 1);
    video.settle(video.submitted[0]!, { output: clipOf({ prompt: 'p', image: frameOf(1).png, durationSec: 1, width: 8, height: 8, seed: 1 }) });
    const done = await t.waitForJob(id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(await waits(id)).toBe(2);
    // Submitted, resumed after the image, resumed after the video: three runs, each prediction submitted once.
    expect(runs).toBe(3);
    expect([image.submitted.length, video.submitted.length]).toEqual([1, 1]);
    const steps = await t.deps.store.read((r) => r.steps.list(id));
    expect(steps.find((s) => s.name === 'frame_and_clip')).toMatchObject({ status: 'done', attempts: 1, output: { frame: 'frame 1', clip: 'clip of frame 1' } });
    // The keyframe was marked succeeded when the video's submission was written.
    expect(done.state[predictionsKey('frame_and_clip')]).toEqual({
      keyframe: { capability: 'image', id: image.submitted[0], submits: 1, succeeded: true },
      video: { capability: 'video', id: video.submitted[0], submits: 1 },
    });
  });

  it('polls only the predictions still pending: a succeeded one is not asked about again', async () => {
    image.submitted.length = 0;
    video.submitted.length = 0;
    // Polled at every reconciler tick (the test platform's: 200 ms).
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.pair', input: { seed: 5, pollMs: 50 } });
    await waitingWith(id, image.submitted, 1);
    image.settle(image.submitted[0]!, { output: frameOf(5) });
    await waitingWith(id, video.submitted, 1);
    const keyframe = image.submitted[0]!;
    const clip = video.submitted[0]!;
    const keyframeReads = image.gets.get(keyframe);
    const clipReads = video.gets.get(clip) ?? 0;
    // Three polls of the video while it works.
    while ((video.gets.get(clip) ?? 0) < clipReads + 3) await t.reconciler.tick();
    expect(image.gets.get(keyframe)).toBe(keyframeReads);
    video.settle(clip, { output: clipOf({ prompt: 'p', image: frameOf(5).png, durationSec: 1, width: 8, height: 8, seed: 5 }) });
    expect((await t.waitForJob(id, ['completed', 'failed'])).status).toBe('completed');
    // The step's last run read the keyframe once more, for its output; its call was settled once.
    expect(image.gets.get(keyframe)).toBe(keyframeReads! + 1);
    const calls = await t.deps.store.read((r) => r.providerCalls.listForJob(id));
    expect(calls.map((c) => [c.capability, c.status]).sort()).toEqual([['image', 'succeeded'], ['video', 'succeeded']]);
  });

  it('submits again a prediction the provider lost, found by the poll', async () => {
    image.submitted.length = 0;
    video.submitted.length = 0;
    // Polled at every reconciler tick (the test platform's: 200 ms).
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.pair', input: { seed: 2, pollMs: 50 } });
    await waitingWith(id, image.submitted, 1);
    image.forget(image.submitted[0]!);
    await waitingWith(id, image.submitted, 2);
    image.settle(image.submitted[1]!, { output: frameOf(2) });
    await waitingWith(id, video.submitted, 1);
    video.settle(video.submitted[0]!, { output: clipOf({ prompt: 'p', image: frameOf(2).png, durationSec: 1, width: 8, height: 8, seed: 2 }) });
    const done = await t.waitForJob(id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.state[predictionsKey('frame_and_clip')]).toMatchObject({ keyframe: { id: image.submitted[1], submits: 2 }, video: { submits: 1 } });
  });

  it('fails the job on a failure that is not retryable, and refunds it once', async () => {
    image.submitted.length = 0;
    const before = await balance();
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.pair', input: { seed: 3 }, cost: 2 });
    await waitingWith(id, image.submitted, 1);
    expect(await balance()).toBe(before - 2);
    image.settle(image.submitted[0]!, { error: { message: 'refused by the model', retryable: false } });
    const failed = await t.waitForJob(id, ['failed', 'completed']);
    expect(failed.error).toMatchObject({ code: 'STEP_FAILED', step: 'frame_and_clip', message: 'refused by the model', refunded: 2 });
    // A later webhook or poll for the same prediction changes nothing.
    image.settle(image.submitted[0]!, { error: { message: 'refused by the model', retryable: false } });
    await t.reconciler.tick();
    expect(await balance()).toBe(before);
    const entries = await t.deps.store.read((r) => r.ledger.listForJob(id));
    expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([2]);
  });

  it('never waits for providers that settle when submit returns', async () => {
    const { id } = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.instant', input: { seed: 4 } });
    const done = await t.waitForJob(id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(await waits(id)).toBe(0);
    expect(done.state[predictionsKey('instant')]).toMatchObject({ line: { capability: 'text', submits: 1 }, bed: { capability: 'music', submits: 1 } });
  });
});
