import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedOutputsFixture, type HostedOutputsFixture, type ModelOutputFiles } from './hosted-outputs';
import { confirmBody, makeDraft } from './clips-flow';
import { falTestKeys, newWebhookSecret, type ContractControls, type WebhookDelivery } from './contracts/contract-kit';
import { startComfyUiContract } from './contracts/comfyui-contract';
import { startFalContract } from './contracts/fal-contract';
import { startOpenAIContract } from './contracts/openai-contract';
import { startReplicateContract } from './contracts/replicate-contract';
import { TEST_ADMIN_KEY, createTestPlatform, type TestPlatform } from './test-platform';

/**
 * The clips flow on providers named by the environment, each on its contract server
 * (testing/contracts): the settings an operator would give, webhooks forwarded to the app, and what
 * the issue 9 end-to-end tests check of a job (apps/clips/clips-providers*.test.ts).
 */

export const PUBLIC_URL = 'http://mediaforge.test';
export const REPLICATE_SECRET = newWebhookSecret();
export const OPENAI_SECRET = newWebhookSecret();
export const falKeys = falTestKeys();
/** Polls every 100 ms (the reconciler ticks every 200 ms in tests): a webhook that never comes costs little. */
export const FAST_POLLS = { predictionPollMs: 100 };

export const providerEnv = {
  replicate: (url: string) => ({ REPLICATE_API_TOKEN: 'r8_contract-token', REPLICATE_BASE_URL: `${url}/v1`, REPLICATE_WEBHOOK_SECRET: REPLICATE_SECRET }),
  fal: (url: string) => ({ FAL_KEY: 'fal-id:fal-contract-secret', FAL_BASE_URL: url, FAL_WEBHOOK_JWKS: falKeys.jwks }),
  openai: (url: string) => ({ OPENAI_API_KEY: 'sk-contract', OPENAI_BASE_URL: `${url}/v1`, OPENAI_WEBHOOK_SECRET: OPENAI_SECRET }),
  comfyui: (url: string) => ({ COMFYUI_URL: url }),
};
export type Hosted = keyof typeof providerEnv;

/**
 * Webhooks a contract sends, posted to the app as the provider would; their statuses kept.
 * `alongside` runs at the same moment as each post (a reconciler pass: a poll racing the webhook).
 */
export function forwardWebhooks(t: () => TestPlatform, controls: ContractControls, alongside?: (d: WebhookDelivery) => Promise<unknown>) {
  const statuses: number[] = [];
  controls.webhooks = async (d) => {
    const post = t().app.request(d.url, { method: 'POST', headers: d.headers, body: d.body });
    const [res] = await Promise.all([post, alongside?.(d)]);
    statuses.push(res.status);
  };
  return statuses;
}

export async function storyJob(t: TestPlatform) {
  const { token } = await t.signUp();
  const jobId = await makeDraft(t, token);
  const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(jobId, 'story') });
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  return { token, jobId };
}

/** The job completed with three clips that play (H.264 + AAC) and their thumbnails. */
export async function expectThreeClips(t: TestPlatform, token: string, jobId: string) {
  const job = await t.waitForJob(jobId, ['completed', 'failed', 'cancelled'], 30_000);
  expect(job.status, JSON.stringify(job.error)).toBe('completed');
  const res = await t.call('GET', `/api/jobs/${jobId}`, { token });
  expect(res.body.result.clips.map((c: { clipNo: number }) => c.clipNo)).toEqual([1, 2, 3]);
  for (const clip of res.body.result.clips as { videoUrl: string; thumbUrl: string }[]) {
    const video = await t.app.request(clip.videoUrl);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(await t.deps.media.probeVideo(Buffer.from(await video.arrayBuffer()))).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 160, height: 96 });
    expect((await t.app.request(clip.thumbUrl)).headers.get('content-type')).toBe('image/jpeg');
  }
}

export type Call = { step: string; capability: string; provider: string; status: string; externalId: string | null };
export const callsOf = async (t: TestPlatform, jobId: string): Promise<Call[]> => {
  const res = await t.call('GET', `/v1/admin/jobs/${jobId}/calls`, { token: TEST_ADMIN_KEY });
  expect(res.status).toBe(200);
  return res.body.calls;
};

export async function startHosted(name: Hosted, files: ModelOutputFiles, settleAfterMs: number | null) {
  switch (name) {
    case 'replicate': return startReplicateContract({ files, secret: REPLICATE_SECRET, settleAfterMs });
    case 'fal': return startFalContract({ files, webhookKey: falKeys.privateKey, settleAfterMs });
    case 'openai': return startOpenAIContract({ files, settleAfterMs, webhook: { url: `${PUBLIC_URL}/webhooks/openai`, secret: OPENAI_SECRET } });
    case 'comfyui': return startComfyUiContract({ files, settleAfterMs });
  }
}

/**
 * The story flow over HTTP with IMAGE_PROVIDERS=VIDEO_PROVIDERS=<name> as an operator sets them,
 * each on its contract server making real media: one describe per name (the callers split the
 * providers over files, which run side by side).
 */
export function storyFlowOnEach(names: Hosted[]) {
  let fx: HostedOutputsFixture;
  beforeAll(async () => {
    fx = await hostedOutputsFixture();
  });
  afterAll(() => fx?.cleanup());

  describe.each<Hosted>(names)('IMAGE_PROVIDERS=VIDEO_PROVIDERS=%s on its contract server', (name) => {
    let t: TestPlatform;
    let contract: Awaited<ReturnType<typeof startHosted>>;
    let webhookStatuses: number[];
    beforeAll(async () => {
      contract = await startHosted(name, fx.files, 150);
      // OpenAI serves every capability it can: scene prompts and moderation too.
      const more: Record<string, string> = name === 'openai' ? { TEXT_PROVIDERS: 'openai', MODERATION_PROVIDERS: 'openai' } : {};
      t = await createTestPlatform({
        env: { PUBLIC_URL, IMAGE_PROVIDERS: name, VIDEO_PROVIDERS: name, ...more, ...providerEnv[name](contract.server.url) },
        settings: FAST_POLLS,
      });
      webhookStatuses = forwardWebhooks(() => t, contract.controls);
    });
    afterAll(async () => {
      await t?.dispose();
      await contract?.close();
    });

    it('completes a story with three playable clips, every image and video served by it', async () => {
      const { token, jobId } = await storyJob(t);
      await expectThreeClips(t, token, jobId);
      const calls = (await callsOf(t, jobId)).filter((c) => c.capability === 'image' || c.capability === 'video');
      expect(calls).toHaveLength(6);
      for (const c of calls) expect(c).toMatchObject({ provider: name, status: 'succeeded' });
      if (name === 'openai') expect((await callsOf(t, jobId)).some((c) => c.capability === 'text' && c.provider === 'openai')).toBe(true);
      // Signed webhooks, where the provider sends them, were accepted (a poll may have come first).
      if (name !== 'comfyui') expect(contract.controls.sent.length).toBeGreaterThan(0);
      expect(webhookStatuses.every((s) => s === 200), String(webhookStatuses)).toBe(true);
    });
  });
}
