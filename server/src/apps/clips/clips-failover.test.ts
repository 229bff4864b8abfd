import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../testing/hosted-outputs';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { startFalContract, type FalContract } from '../../testing/contracts/fal-contract';
import { startReplicateContract, type ReplicateContract } from '../../testing/contracts/replicate-contract';
import { FAST_POLLS, PUBLIC_URL, callsOf, expectThreeClips, forwardWebhooks, providerEnv, storyJob } from '../../testing/clips-on-contracts';

/** Issue 9, end to end: a failing first provider; the next in the list serves the clips flow. */

let fx: HostedOutputsFixture;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
});
afterAll(() => fx?.cleanup());

describe('IMAGE_PROVIDERS=fal,replicate with fal answering 500', () => {
  let t: TestPlatform;
  let falApi: FalContract;
  let replicate: ReplicateContract;
  beforeAll(async () => {
    [falApi, replicate] = await Promise.all([startFalContract({ files: fx.files, settleAfterMs: 100 }), startReplicateContract({ files: fx.files, settleAfterMs: 100 })]);
    falApi.controls.failWith({ status: 500 });
    t = await createTestPlatform({
      env: { PUBLIC_URL, IMAGE_PROVIDERS: 'fal,replicate', VIDEO_PROVIDERS: 'replicate', ...providerEnv.fal(falApi.server.url), ...providerEnv.replicate(replicate.server.url) },
      settings: FAST_POLLS,
    });
    forwardWebhooks(() => t, replicate.controls);
  });
  afterAll(async () => {
    await t?.dispose();
    await Promise.all([falApi?.close(), replicate?.close()]);
  });

  it('completes on replicate, and the job\'s calls show fal failed and replicate served', async () => {
    const { token, jobId } = await storyJob(t);
    await expectThreeClips(t, token, jobId);
    const images = (await callsOf(t, jobId)).filter((c) => c.capability === 'image');
    for (const step of ['clip_1', 'clip_2', 'clip_3']) {
      const mine = images.filter((c) => c.step === step);
      expect(mine.map((c) => [c.provider, c.status]), step).toEqual([['fal', 'failed'], ['replicate', 'succeeded']]);
    }
    expect(falApi.server.requests.length).toBeGreaterThan(0);
    expect(falApi.requests.size).toBe(0);
    const trace = (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body.trace as { message: string }[];
    expect(trace.some((l) => /fal failed .*submitted to replicate/.test(l.message)), JSON.stringify(trace)).toBe(true);
  });
});
