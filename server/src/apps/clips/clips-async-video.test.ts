import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFfmpegPath, FfmpegRunner } from '../../adapters/media/ffmpeg-runner';
import { createStubProviders } from '../../adapters/providers/stub/stub-providers';
import type { Providers, SubmitOptions, VideoPrediction, VideoProvider, VideoRequest } from '../../core/ports/providers';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

/**
 * Clips on asynchronous providers (ctx.predict): a clip step submits its video, the job waits
 * holding no worker, and the provider's webhook or the reconciler's poll resumes it, whichever
 * comes first.
 */

async function storyJob(t: TestPlatform) {
  const { token } = await t.signUp();
  const jobId = await makeDraft(t, token);
  const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(jobId, 'story') });
  expect(confirm.status).toBe(200);
  return { token, jobId };
}

async function expectPlayableClips(t: TestPlatform, token: string, jobId: string) {
  const res = await t.call('GET', `/api/jobs/${jobId}`, { token });
  expect(res.body.status).toBe('completed');
  for (const clip of res.body.result.clips as { videoUrl: string }[]) {
    const video = await t.app.request(clip.videoUrl);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(await t.deps.media.probeVideo(Buffer.from(await video.arrayBuffer()))).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 360, height: 640 });
  }
}

describe('with STUB_LATENCY_MS, the stub video provider', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform({ env: { STUB_LATENCY_MS: '300' } });
  });
  afterAll(async () => t?.dispose());

  it('makes a story job wait for each clip and complete with real MP4s', async () => {
    const { token, jobId } = await storyJob(t);
    await t.waitForJob(jobId, ['completed', 'failed'], 60_000);
    const job = (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body;
    expect(job.status).toBe('completed');
    // The three clips submit side by side; the job waits (holding no worker) until their webhooks
    // or polls resume them, some perhaps while the job still runs the others.
    expect(job.stateHistory.some((h: { status: string }) => h.status === 'waiting'), 'the job waited').toBe(true);
    expect(job.steps.filter((s: { name: string }) => /^clip_/.test(s.name)).map((s: { status: string; attempts: number }) => [s.status, s.attempts]))
      .toEqual([['done', 1], ['done', 1], ['done', 1]]);
    await expectPlayableClips(t, token, jobId);
  }, 90_000);
});

/**
 * The stub's videos, settled when the test says: its webhook is called only when the test calls
 * it, and a prediction can be forgotten as a restarted provider would.
 */
function heldVideo(stub: VideoProvider) {
  const predictions = new Map<string, { req: VideoRequest; webhook?: SubmitOptions['webhook']; settled: VideoPrediction | null }>();
  let submitted = 0;
  const provider: VideoProvider = {
    name: 'held-video',
    async submit(req, opts = {}) {
      const id = `held_${++submitted}`;
      predictions.set(id, { req, webhook: opts.webhook, settled: null });
      return { id };
    },
    async get(id) {
      const p = predictions.get(id);
      if (!p) return null;
      return p.settled ?? { id, status: 'processing' };
    },
  };
  /** The predictions submitted for clip `n`, oldest first (the prompt names its scene). */
  const of = (n: number) => [...predictions].filter(([, p]) => p.req.prompt.endsWith(`(scene ${n} of 3)`)).map(([id]) => id);
  return {
    provider,
    of,
    async settle(id: string) {
      const p = predictions.get(id)!;
      const done = await stub.get((await stub.submit(p.req)).id);
      p.settled = { ...done!, id };
    },
    webhook(id: string) {
      predictions.get(id)!.webhook?.({ id, status: predictions.get(id)!.settled?.status ?? 'processing' });
    },
    forget(id: string) {
      predictions.delete(id);
    },
  };
}

describe('a clip resumed by its webhook and its poll', () => {
  let t: TestPlatform;
  let held: ReturnType<typeof heldVideo>;
  // The reconciler ticks only when the test calls it, on a clock the test moves.
  let skewMs = 0;
  beforeAll(async () => {
    const stub = createStubProviders({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
    held = heldVideo(stub.video);
    const providers: Providers = { ...stub, video: held.provider };
    t = await createTestPlatform({ overrides: { providers }, clock: { now: () => new Date(Date.now() + skewMs) }, reconcileEveryMs: 3_600_000 });
  }, 120_000);
  afterAll(async () => t?.dispose());

  /** The job waiting with every clip's video submitted (the clips run side by side). */
  const allSubmitted = async (jobId: string, submits: number[]) => {
    for (;;) {
      const job = await t.waitForJob(jobId, ['waiting', 'failed', 'completed'], 30_000);
      if (job.status !== 'waiting') throw new Error(`job ${job.status} while its clips should wait`);
      const steps = await t.deps.store.read((r) => r.steps.list(jobId));
      const waiting = steps.filter((s) => /^clip_/.test(s.name) && s.status === 'waiting').length;
      if (waiting === 3 && [1, 2, 3].every((n, i) => held.of(n).length === submits[i])) return job;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Past the wait's poll interval on the engine's clock, so the next tick polls. */
  const pollDue = () => (skewMs += 6_000);

  it('resumes once when both arrive; a prediction the provider lost is submitted again', async () => {
    const { token, jobId } = await storyJob(t);
    await allSubmitted(jobId, [1, 1, 1]);
    // Clips 1 and 2: the webhook's resume and the poll's race for the same wait.
    for (const n of [1, 2]) await held.settle(held.of(n)[0]!);
    pollDue();
    for (const n of [1, 2]) held.webhook(held.of(n)[0]!);
    // Clip 3's prediction is forgotten (a provider restarted): the poll reports it lost, and the step submits again.
    held.forget(held.of(3)[0]!);
    for (;;) {
      // Polled once the job waits again (a step still running holds its job's polls). The clock
      // moves only then: moved while the job runs, it would expire the run's lease.
      if ((await t.deps.store.read((r) => r.jobs.get(jobId)))?.status === 'waiting') {
        pollDue();
        await t.reconciler.tick();
      }
      const steps = await t.deps.store.read((r) => r.steps.list(jobId));
      if (held.of(3).length === 1 && steps.find((s) => s.name === 'clip_3')?.status === 'waiting') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const [again] = held.of(3);
    await held.settle(again!);
    held.webhook(again!);
    await t.waitForJob(jobId, ['completed', 'failed'], 30_000);

    const job = (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body;
    expect(job.status).toBe('completed');
    expect(job.steps.filter((st: { name: string }) => /^clip_/.test(st.name)).map((st: { status: string; attempts: number }) => [st.status, st.attempts]))
      .toEqual([['done', 1], ['done', 1], ['done', 1]]);
    expect(job.assets.map((a: { slot: string }) => a.slot).sort()).toEqual(['clip_1', 'clip_2', 'clip_3', 'ref_1', 'thumb_1', 'thumb_2', 'thumb_3']);
    const state = (await t.deps.store.read((r) => r.jobs.get(jobId)))!.state;
    // Each clip's keyframe once; clip 3's video twice (ctx.predict keeps them under the step's own key).
    expect(state).toMatchObject(Object.fromEntries([1, 2, 3].map((n) => [`predictions:clip_${n}`, {
      keyframe: { capability: 'image', submits: 1 }, video: { capability: 'video', submits: n === 3 ? 2 : 1 },
    }])));
    await expectPlayableClips(t, token, jobId);
  }, 90_000);
});
