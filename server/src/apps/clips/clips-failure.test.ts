import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

// Video generation fails for every prompt: the job must fail and give the credits back.
let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ env: { STUB_FAIL: 'video' } });
});
afterAll(async () => t?.dispose());

describe('a failed clips job', () => {
  it('fails with the reason and refunds its charge once', async () => {
    const { token } = await t.signUp();
    const draftJobId = await makeDraft(t, token);
    const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draftJobId, 'story', { rewriteEnabled: true, rewriteRawText: '나의 이야기' }) });
    expect(confirm.status).toBe(200);
    expect((await t.call('GET', '/v1/me', { token })).body.credits).toBe(7);
    await t.waitForJob(draftJobId, ['failed', 'completed']);
    const job = await t.call('GET', `/api/jobs/${draftJobId}`, { token });
    expect(job.body).toMatchObject({ status: 'failed', error: { code: 'STEP_FAILED', step: expect.stringMatching(/^clip_[123]$/), refunded: 3 } });
    expect(job.body.error.message).toContain('stub video provider failed');
    const credits = await t.call('GET', '/v1/credits', { token });
    expect(credits.body.balance).toBe(10);
    expect(credits.body.entries.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([['refund', 3], ['charge', -3], ['grant', 10]]);
  });

  it('gives a failed quick back to the daily quota', async () => {
    const { token } = await t.signUp();
    const first = await makeDraft(t, token);
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(first, 'quick') })).status).toBe(200);
    await t.waitForJob(first, ['failed']);
    const second = await makeDraft(t, token);
    expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(second, 'quick') })).status).toBe(200);
  });
});
