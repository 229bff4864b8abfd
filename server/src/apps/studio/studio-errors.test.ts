import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, grantCredits, ideaBody, videoWhenEnded } from '../../testing/studio-flow';
import { TestClock } from '../../testing/test-clock';
import { testPlanLimits } from '../../testing/test-plan-limits';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  // Image prompts containing "boom" fail at the provider; everything else is made.
  t = await createTestPlatform({ env: { STUB_FAIL: 'image:boom' } });
});
afterAll(async () => t?.dispose());

const jobsOf = (p: TestPlatform, userId: string) => p.deps.store.read((r) => r.jobs.list({ userId, app: 'studio', limit: 100 }));

describe('studio requests that cannot be served', () => {
  it('a missing or unknown field is a 400 naming it, flat as the /api mount writes errors', async () => {
    const { token } = await t.signUp();
    const noIdea = await t.call('POST', '/api/prompts', { token, body: ideaBody({ idea: '   ' }) });
    expect(noIdea.status).toBe(400);
    expect(noIdea.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(noIdea.body.error).toContain('idea is required');
    const badStyle = await t.call('POST', '/api/prompts', { token, body: ideaBody({ style: 'vaporwave' }) });
    expect(badStyle.status).toBe(400);
    expect(badStyle.body.error).toContain('style must be one of photorealistic, cinematic');
    const badRatio = await t.call('POST', '/api/images', { token, body: { prompt: 'a cat', ratio: '2:1' } });
    expect(badRatio.body.error).toContain('ratio must be one of 1:1, 3:4, 4:3, 9:16, 16:9');
    const badSeconds = await t.call('POST', '/api/videos', { token, body: { prompt: 'a cat', seconds: 5 } });
    expect(badSeconds.status).toBe(400);
    expect(badSeconds.body.error).toContain('seconds must be one of 4, 8, 12');
    expect((await t.call('POST', '/api/images', { body: { prompt: 'a cat' } })).status).toBe(401);
    // A wrong type is named as such, not as missing.
    expect((await t.call('POST', '/api/images', { token, body: { prompt: 1 } })).body.error).toContain('prompt must be a string');
    expect((await t.call('POST', '/api/prompts', { token, body: ideaBody({ idea: null }) })).body.error).toContain('idea must be a string');
    // Only invisible marks are not an idea.
    expect((await t.call('POST', '/api/prompts', { token, body: ideaBody({ idea: '\u202e\u200b\u200b' }) })).body.error).toContain('idea must contain letters or digits');
  });

  it('refuses a misspelled field instead of charging for a request it did not read', async () => {
    const { token } = await t.signUp();
    const res = await t.call('POST', '/api/images', { token, body: { prompt: 'x', negative_prompt: 'blurry' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.body.error).toContain('negative_prompt');
    expect((await t.call('POST', '/api/videos', { token, body: { prompt: 'x', duration: 8 } })).status).toBe(400);
    expect(await balanceOf(t, token)).toBe(10);
  });

  it('a prompt the moderation port flags is refused before anything is charged or queued', async () => {
    const { token, userId } = await t.signUp();
    for (const [url, body] of [
      ['/api/prompts', ideaBody({ idea: 'an explicit gore scene' })],
      ['/api/images', { prompt: 'an explicit gore scene' }],
      ['/api/videos', { prompt: '참수 장면' }],
    ] as const) {
      const res = await t.call('POST', url, { token, body });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ code: 'PROMPT_REFUSED' });
      expect(res.body.error).toContain('Nothing was charged');
      expect(res.body.categories.length).toBeGreaterThan(0);
    }
    expect(await balanceOf(t, token)).toBe(10);
    expect(await jobsOf(t, userId)).toEqual([]);
  });

  it('a short balance is a 402 naming what is needed, and queues nothing', async () => {
    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, -8);
    const video = await t.call('POST', '/api/videos', { token, body: { prompt: 'a lighthouse at dawn' } });
    expect(video.status).toBe(402);
    expect(video.body).toMatchObject({ code: 'INSUFFICIENT_CREDITS', needed: 5, balance: 2 });
    await grantCredits(t, userId, -2);
    const image = await t.call('POST', '/api/images', { token, body: { prompt: 'a lighthouse at dawn' } });
    expect(image.body).toMatchObject({ code: 'INSUFFICIENT_CREDITS', needed: 1, balance: 0 });
    expect(await jobsOf(t, userId)).toEqual([]);
  });

  it('an image the provider fails is a 502 and its credit comes back', async () => {
    const { token } = await t.signUp();
    const res = await t.call('POST', '/api/images', { token, body: { prompt: 'boom goes the stub' } });
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body).toMatchObject({ code: 'GENERATION_FAILED' });
    expect(res.body.error).toContain('you were not charged');
    expect(await balanceOf(t, token)).toBe(10);
  });

  it("another user's image, video or unknown ids are refused: 403 or 404", async () => {
    const owner = await t.signUp();
    const image = await t.call('POST', '/api/images', { token: owner.token, body: { prompt: 'a red kite', ratio: '9:16' } });
    expect(image.status).toBe(200);
    expect(image.body).toMatchObject({ width: 576, height: 1024 });
    const video = await t.call('POST', '/api/videos', { token: owner.token, body: { prompt: 'a red kite rising', imageId: image.body.imageId } });
    expect(video.status).toBe(202);
    const other = await t.signUp();
    const theirs = await t.call('POST', '/api/videos', { token: other.token, body: { prompt: 'a kite', imageId: image.body.imageId } });
    expect(theirs.status).toBe(403);
    expect((await t.call('POST', `/api/images/${image.body.imageId}/regenerate`, { token: other.token })).status).toBe(403);
    expect((await t.call('GET', `/api/videos/${video.body.jobId}`, { token: other.token })).status).toBe(403);
    expect((await t.call('POST', `/api/videos/${video.body.jobId}/cancel`, { token: other.token })).status).toBe(403);
    expect((await t.call('POST', '/api/videos', { token: other.token, body: { prompt: 'a kite', imageId: 'asset_nope' } })).body).toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    expect((await t.call('GET', '/api/videos/job_nope', { token: other.token })).body).toMatchObject({ code: 'VIDEO_NOT_FOUND' });
    // A job of another kind is not a video.
    expect((await t.call('GET', `/api/videos/${image.body.jobId}`, { token: owner.token })).body).toMatchObject({ code: 'VIDEO_NOT_FOUND' });
    expect(await balanceOf(t, other.token)).toBe(10);
    // The image's orientation picked the video's size.
    expect(await videoWhenEnded(t, owner.token, video.body.jobId)).toMatchObject({ status: 'completed', size: '720x1280' });
  });

  it('history pages with a cursor, filters by type, and refuses a forged cursor', async () => {
    const { token } = await t.signUp();
    for (const idea of ['a fox', 'a bear', 'an owl']) expect((await t.call('POST', '/api/prompts', { token, body: ideaBody({ idea }) })).status).toBe(200);
    const first = await t.call('GET', '/api/history?type=prompt&limit=2', { token });
    expect(first.body.items.map((i: { input: { idea: string } }) => i.input.idea)).toEqual(['an owl', 'a bear']);
    const next = await t.call('GET', `/api/history?type=prompt&limit=2&cursor=${first.body.nextCursor}`, { token });
    expect(next.body).toMatchObject({ items: [{ type: 'prompt', status: 'completed', input: { idea: 'a fox' } }], nextCursor: null });
    expect(next.body.items[0].prompt).toContain('a fox');
    expect((await t.call('GET', '/api/history?type=image', { token })).body.items).toEqual([]);
    expect((await t.call('GET', '/api/history?cursor=bm9wZQ', { token })).body).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await t.call('GET', '/api/history?type=song', { token })).status).toBe(400);
  });
});

describe('studio limits and deadlines', () => {
  let slow: TestPlatform;
  let limited: TestPlatform;
  const clock = new TestClock(new Date('2026-12-02T09:00:15.000Z'));
  beforeAll(async () => {
    // Every provider answers after 1.5 s; the image endpoint waits 300 ms.
    slow = await createTestPlatform({ env: { STUB_LATENCY_MS: '1500' }, settings: { syncJobDeadlineMs: 300 } });
    const planLimits = testPlanLimits();
    planLimits.free.studio = { ...planLimits.free.studio!, imagesPerMinute: 2, videosPerMinute: 1 };
    limited = await createTestPlatform({ clock, settings: { planLimits } });
  });
  afterAll(async () => {
    await slow?.dispose();
    await limited?.dispose();
  });

  it('an image past its deadline is a 504, its job cancelled and its credit given back', async () => {
    const { token, userId } = await slow.signUp();
    const res = await slow.call('POST', '/api/images', { token, body: { prompt: 'a slow sunrise' } });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'IMAGE_TIMEOUT', jobId: expect.any(String) });
    expect(await balanceOf(slow, token)).toBe(10);
    const [job] = await jobsOf(slow, userId);
    expect(job).toMatchObject({ status: 'cancelled' });
  });

  it('a video cancelled while it runs gives back exactly its credits, once', async () => {
    const { token } = await slow.signUp();
    const video = await slow.call('POST', '/api/videos', { token, body: { prompt: 'a harbour at night', seconds: 8 } });
    expect(video.status).toBe(202);
    expect(await balanceOf(slow, token)).toBe(5);
    await slow.waitForJob(video.body.jobId, ['waiting', 'running'], 10_000);
    const status = await slow.call('GET', `/api/videos/${video.body.jobId}`, { token });
    expect(status.body).toMatchObject({ status: 'in_progress', seconds: 8 });
    const cancel = await slow.call('POST', `/api/videos/${video.body.jobId}/cancel`, { token });
    expect(cancel.body).toEqual({ jobId: video.body.jobId, status: 'cancelled', refunded: 5 });
    expect(await balanceOf(slow, token)).toBe(10);
    const again = await slow.call('POST', `/api/videos/${video.body.jobId}/cancel`, { token });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'JOB_WRONG_STATE' });
    expect(await balanceOf(slow, token)).toBe(10);
    const ended = await slow.call('GET', `/api/videos/${video.body.jobId}`, { token });
    expect(ended.body).toMatchObject({ status: 'cancelled' });
    expect(ended.body.videoUrl).toBeUndefined();
  });

  it('each endpoint has its per-minute limit: 429 with Retry-After to the next minute, then open again', async () => {
    const { token } = await limited.signUp();
    for (let i = 0; i < 2; i++) expect((await limited.call('POST', '/api/images', { token, body: { prompt: `a pear ${i}` } })).status).toBe(200);
    const third = await limited.call('POST', '/api/images', { token, body: { prompt: 'a pear 3' } });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'RATE_LIMITED', limit: 2 });
    expect(third.headers.get('retry-after')).toBe('45');
    // Its own allowance: videos are counted apart from images.
    expect((await limited.call('POST', '/api/videos', { token, body: { prompt: 'a pear falling' } })).status).toBe(202);
    expect((await limited.call('POST', '/api/videos', { token, body: { prompt: 'a pear falling' } })).status).toBe(429);
    // Nothing charged for the refused ones: two images and one video.
    expect(await balanceOf(limited, token)).toBe(10 - 2 - 5);
    clock.advance(45_000);
    expect((await limited.call('POST', '/api/images', { token, body: { prompt: 'a pear 4' } })).status).toBe(200);
  });
});

describe('regenerate (seed 001 section 6)', () => {
  it('an image again with the same inputs and a new seed, charged again; a video too', async () => {
    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, 10);
    const image = await t.call('POST', '/api/images', { token, body: { prompt: 'a paper boat', ratio: '4:3', style: 'watercolor', negativePrompt: 'text' } });
    expect(image.status).toBe(200);
    const again = await t.call('POST', `/api/images/${image.body.imageId}/regenerate`, { token });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.imageId).not.toBe(image.body.imageId);
    expect(again.body).toMatchObject({ width: 1024, height: 768 });
    expect(await balanceOf(t, token)).toBe(20 - 2);
    const [second, first] = await jobsOf(t, userId);
    expect(second!.input).toMatchObject({ prompt: 'a paper boat', ratio: '4:3', style: 'watercolor', negativePrompt: 'text', regeneratedFrom: image.body.imageId });
    expect(second!.input.seed).not.toBe(first!.input.seed);
    const a = Buffer.from(await (await t.app.request(image.body.imageUrl)).arrayBuffer());
    const b = Buffer.from(await (await t.app.request(again.body.imageUrl)).arrayBuffer());
    expect(a.equals(b)).toBe(false);

    const video = await t.call('POST', '/api/videos', { token, body: { prompt: 'the boat drifts', imageId: again.body.imageId } });
    await videoWhenEnded(t, token, video.body.jobId);
    const redo = await t.call('POST', `/api/videos/${video.body.jobId}/regenerate`, { token });
    expect(redo.status).toBe(202);
    expect(await balanceOf(t, token)).toBe(20 - 2 - 10);
    const done = await videoWhenEnded(t, token, redo.body.jobId);
    expect(done).toMatchObject({ status: 'completed', imageId: again.body.imageId, prompt: 'the boat drifts' });
  });
});
