import { expect } from 'vitest';
import { TEST_ADMIN_KEY, type TestPlatform } from './test-platform';

/** Seed 001's idea form, filled. */
export const ideaBody = (over: Record<string, unknown> = {}) => ({
  idea: '비 오는 밤 네온 골목을 걷는 고양이', style: 'cinematic', mood: 'mysterious', camera: 'low-angle', ratio: '16:9', extra: 'reflections on wet asphalt', ...over,
});

export async function balanceOf(t: TestPlatform, token: string): Promise<number> {
  return (await t.call('GET', '/v1/me', { token })).body.credits;
}

/** Gives the user `amount` more credits, as an admin does. */
export async function grantCredits(t: TestPlatform, userId: string, amount: number) {
  const res = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId, amount, reason: 'test' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The video job once it has ended, read through the studio's own status endpoint. */
export async function videoWhenEnded(t: TestPlatform, token: string, jobId: string, timeoutMs = 60_000) {
  await t.waitForJob(jobId, ['completed', 'failed', 'cancelled'], timeoutMs);
  const res = await t.call('GET', `/api/videos/${jobId}`, { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** The bytes at a signed URL of ours, with their type. */
export async function fetchMedia(t: TestPlatform, url: string) {
  const res = await t.app.request(url);
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}
