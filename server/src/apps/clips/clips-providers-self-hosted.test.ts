import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../testing/hosted-outputs';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { FAST_POLLS, PUBLIC_URL, callsOf, expectThreeClips, forwardWebhooks, providerEnv, startHosted, storyJob, type Hosted } from '../../testing/clips-on-contracts';

/**
 * Issue 9, end to end: the clips story flow with IMAGE_PROVIDERS and VIDEO_PROVIDERS set to the
 * adapters an operator can also point at their own machines: OpenAI's shapes (a gateway, vLLM: text
 * and moderation too) and ComfyUI, each on its contract server.
 */

let fx: HostedOutputsFixture;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
});
afterAll(() => fx?.cleanup());

describe.each<Hosted>(['openai', 'comfyui'])('IMAGE_PROVIDERS=VIDEO_PROVIDERS=%s on its contract server', (name) => {
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
