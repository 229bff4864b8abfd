import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsOf, FAST_POLLS, forwardWebhooks, OPENAI_SECRET, providerEnv, PUBLIC_URL } from '../../testing/clips-on-contracts';
import { startOpenAIContract, type OpenAIContract } from '../../testing/contracts/openai-contract';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../testing/hosted-outputs';
import { balanceOf, fetchMedia, ideaBody, videoWhenEnded } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

/**
 * Seed 001's flow with every capability on OpenAI's API shape (its contract server): the prompt
 * from Chat Completions, the image from Images, moderation from Moderations, and the SORA2 video
 * from the Videos API, settled by the signed `video.completed` event at `/webhooks/sora2` (the
 * seed's name) or, with no webhook configured, by polling.
 */

const EXPANSION = 'A cat walks a narrow neon-lit alley at night in the rain, low-angle cinematic film still, mysterious fog.';
const OPENAI_EVERYWHERE = { TEXT_PROVIDERS: 'openai', IMAGE_PROVIDERS: 'openai', VIDEO_PROVIDERS: 'openai', MODERATION_PROVIDERS: 'openai' };

let fx: HostedOutputsFixture;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
});
afterAll(() => fx?.cleanup());

async function seedFlow(t: TestPlatform) {
  const { token } = await t.signUp();
  const prompt = await t.call('POST', '/api/prompts', { token, body: ideaBody() });
  expect(prompt.status, JSON.stringify(prompt.body)).toBe(200);
  // The model's English, with the user's Korean idea kept as written.
  expect(prompt.body.prompt).toContain(EXPANSION.slice(0, 40));
  expect(prompt.body.prompt.startsWith('비 오는 밤 네온 골목을 걷는 고양이')).toBe(true);
  const image = await t.call('POST', '/api/images', { token, body: { prompt: prompt.body.prompt, ratio: '16:9' } });
  expect(image.status, JSON.stringify(image.body)).toBe(200);
  expect((await fetchMedia(t, image.body.imageUrl)).type).toBe('image/png');
  const video = await t.call('POST', '/api/videos', { token, body: { prompt: prompt.body.prompt, imageId: image.body.imageId } });
  expect(video.status).toBe(202);
  const done = await videoWhenEnded(t, token, video.body.jobId, 30_000);
  expect(done, JSON.stringify(done)).toMatchObject({ status: 'completed', progress: 100 });
  const mp4 = await fetchMedia(t, done.videoUrl);
  expect(await t.deps.media.probeVideo(mp4.body)).toMatchObject({ videoCodec: 'h264' });
  expect(await balanceOf(t, token)).toBe(10 - 1 - 5);
  for (const [jobId, capability] of [[prompt.body.jobId, 'text'], [image.body.jobId, 'image'], [video.body.jobId, 'video']] as const) {
    expect(await callsOf(t, jobId)).toEqual([expect.objectContaining({ capability, provider: 'openai', status: 'succeeded' })]);
  }
  return { token, videoJobId: video.body.jobId as string };
}

describe('on the OpenAI contract server, the video settled by its webhook at /webhooks/sora2', () => {
  let t: TestPlatform;
  let contract: OpenAIContract;
  let statuses: number[];
  beforeAll(async () => {
    contract = await startOpenAIContract({ files: fx.files, chat: EXPANSION, settleAfterMs: 150, webhook: { url: `${PUBLIC_URL}/webhooks/sora2`, secret: OPENAI_SECRET } });
    // Polls far apart: the webhook is what resumes the video.
    t = await createTestPlatform({ env: { PUBLIC_URL, ...OPENAI_EVERYWHERE, ...providerEnv.openai(contract.server.url) }, settings: { predictionPollMs: 60_000 } });
    statuses = forwardWebhooks(() => t, contract.controls);
  });
  afterAll(async () => {
    await t?.dispose();
    await contract?.close();
  });

  it('prompt -> image -> video completes, the signed event accepted', async () => {
    await seedFlow(t);
    const videoEvents = contract.controls.sent.filter((d) => d.url.endsWith('/webhooks/sora2'));
    expect(videoEvents.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200), String(statuses)).toBe(true);
  });
});

describe('on the OpenAI contract server with no webhook configured', () => {
  let t: TestPlatform;
  let contract: OpenAIContract;
  beforeAll(async () => {
    contract = await startOpenAIContract({ files: fx.files, chat: EXPANSION, settleAfterMs: 150 });
    t = await createTestPlatform({ env: { PUBLIC_URL, ...OPENAI_EVERYWHERE, ...providerEnv.openai(contract.server.url) }, settings: FAST_POLLS });
  });
  afterAll(async () => {
    await t?.dispose();
    await contract?.close();
  });

  it('prompt -> image -> video completes by polling the Videos API', async () => {
    await seedFlow(t);
    expect(contract.controls.sent).toEqual([]);
  });
});
