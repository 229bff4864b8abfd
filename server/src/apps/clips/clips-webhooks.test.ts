import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../testing/hosted-outputs';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { newWebhookSecret, standardWebhookHeaders } from '../../testing/contracts/contract-kit';
import { startReplicateContract, type ReplicateContract } from '../../testing/contracts/replicate-contract';
import { FAST_POLLS, PUBLIC_URL, REPLICATE_SECRET, callsOf, expectThreeClips, forwardWebhooks, providerEnv, storyJob } from '../../testing/clips-on-contracts';

/**
 * Issue 9, end to end: the webhook cases through the clips flow on Replicate's contract server: a
 * webhook that never comes (polling completes the job), a webhook racing a poll (completed once,
 * charged once), forged ones (401, nothing changed).
 */

let fx: HostedOutputsFixture;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
});
afterAll(() => fx?.cleanup());

describe('webhooks on replicate (IMAGE_PROVIDERS=VIDEO_PROVIDERS=replicate)', () => {
  let t: TestPlatform;
  let replicate: ReplicateContract;
  beforeAll(async () => {
    replicate = await startReplicateContract({ files: fx.files, secret: REPLICATE_SECRET });
    t = await createTestPlatform({
      env: { PUBLIC_URL, IMAGE_PROVIDERS: 'replicate', VIDEO_PROVIDERS: 'replicate', ...providerEnv.replicate(replicate.server.url) },
      settings: FAST_POLLS,
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await replicate?.close();
  });

  /** The user's ledger for the job, and the balance. */
  async function money(token: string, jobId: string) {
    const res = await t.call('GET', '/v1/credits', { token });
    const mine = (res.body.entries as { kind: string; jobId: string | null; amount: number }[]).filter((e) => e.jobId === jobId);
    return { balance: res.body.balance as number, entries: mine.map((e) => [e.kind, e.amount] as [string, number]) };
  }

  it('a webhook that never comes: polling completes the job', async () => {
    replicate.controls.webhooks = undefined;
    replicate.controls.settleAfterMs = 150;
    const { token, jobId } = await storyJob(t);
    await expectThreeClips(t, token, jobId);
    // Replicate was given our webhook URL with each create, and never called it.
    const creates = replicate.server.requests.filter((r) => r.method === 'POST' && /predictions$/.test(r.url.pathname));
    expect(creates.length).toBeGreaterThanOrEqual(6);
    for (const c of creates) expect(c.json).toMatchObject({ webhook: `${PUBLIC_URL}/webhooks/replicate`, webhook_events_filter: ['completed'] });
    expect(replicate.controls.sent).toHaveLength(0);
  });

  it('a webhook and a poll racing: completed once, charged once', async () => {
    replicate.controls.settleAfterMs = 150;
    // Each webhook is posted together with a reconciler pass that polls the same prediction.
    const statuses = forwardWebhooks(() => t, replicate.controls, () => t.reconciler.tick());
    const sentBefore = replicate.controls.sent.length;
    const { token, userId, jobId } = await (async () => {
      const me = await t.signUp();
      const id = await makeDraft(t, me.token);
      expect((await t.call('POST', '/api/jobs/confirm', { token: me.token, body: confirmBody(id, 'story') })).status).toBe(200);
      return { ...me, jobId: id };
    })();
    await expectThreeClips(t, token, jobId);
    // Let the last webhooks land: nothing they do may change the job or its money.
    await new Promise((r) => setTimeout(r, 300));
    expect(replicate.controls.sent.length - sentBefore).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 200), String(statuses)).toBe(true);

    const detail = (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body;
    expect(detail.status).toBe('completed');
    expect(detail.stateHistory.filter((h: { status: string }) => h.status === 'completed')).toHaveLength(1);
    expect(detail.steps.filter((s: { name: string }) => /^clip_/.test(s.name)).map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done']);
    // One charge (the story's price), no refund; the balance moved by it alone.
    const { balance, entries } = await money(token, jobId);
    expect(entries).toEqual([['charge', expect.any(Number)]]);
    const charged = -entries[0]![1]!;
    expect(charged).toBeGreaterThan(0);
    expect(balance).toBe(10 - charged);
    const user = await t.call('GET', '/v1/me', { token });
    expect(user.body).toMatchObject({ id: userId, credits: 10 - charged });
    // Each prediction recorded once, settled once.
    const calls = (await callsOf(t, jobId)).filter((c) => c.capability !== 'text');
    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((c) => c.externalId)).size).toBe(6);
    for (const c of calls) expect(c.status).toBe('succeeded');
  });

  it('a forged webhook: 401, nothing changed; the real one completes the job', async () => {
    replicate.controls.settleAfterMs = null; // held until the test settles them
    const statuses = forwardWebhooks(() => t, replicate.controls);
    const { token, jobId } = await storyJob(t);
    const waitingOnKeyframes = async () => {
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const calls = await callsOf(t, jobId);
        if (calls.filter((c) => c.capability === 'image').length === 3) return calls.filter((c) => c.capability === 'image');
      }
      throw new Error('the keyframes were not submitted');
    };
    const keyframes = await waitingOnKeyframes();
    await t.waitForJob(jobId, ['waiting']);
    const before = { job: (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body, calls: await callsOf(t, jobId) };

    const target = keyframes[0]!.externalId!;
    const body = JSON.stringify({ ...replicate.predictions.get(target), status: 'succeeded', output: ['https://replicate.delivery/evil.png'] });
    const forged = [
      standardWebhookHeaders(newWebhookSecret(), body), // another secret
      { ...standardWebhookHeaders(REPLICATE_SECRET, body), 'webhook-signature': 'v1,AAAA' }, // a made-up signature
      standardWebhookHeaders(REPLICATE_SECRET, body, { atMs: Date.now() - 10 * 60_000 }), // stale
      { 'content-type': 'application/json' }, // unsigned
    ];
    for (const headers of forged) {
      const res = await t.app.request(`${PUBLIC_URL}/webhooks/replicate`, { method: 'POST', headers, body });
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 300));
    const after = { job: (await t.call('GET', `/v1/jobs/${jobId}`, { token })).body, calls: await callsOf(t, jobId) };
    expect(after.job.status).toBe('waiting');
    expect(after.job.stateHistory).toEqual(before.job.stateHistory);
    expect(after.job.steps).toEqual(before.job.steps);
    expect(after.calls).toEqual(before.calls);
    expect(replicate.predictions.get(target)!.status).toBe('starting');

    // Replicate finishes: its signed webhooks (and the polls) complete the job.
    replicate.controls.settleAfterMs = 50;
    const settleAll = setInterval(() => {
      for (const [id, p] of replicate.predictions) if (p.status === 'starting') replicate.succeed(id);
    }, 50);
    try {
      await expectThreeClips(t, token, jobId);
    } finally {
      clearInterval(settleAll);
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200), String(statuses)).toBe(true);
  });
});
