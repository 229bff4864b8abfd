import { expect } from 'vitest';
import type { TestPlatform } from './test-platform';

/** A character of the user's, through the API. */
export async function makeCharacter(t: TestPlatform, token: string, over: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/characters', {
    token, body: { name: '한서윤', description: '은발의 검객, 푸른 망토', personality: '차분하고 다정함', speech_style: '존댓말', world_summary: '달이 두 개 뜨는 왕국', ...over },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; avatar_url: string | null; gallery_count: number; representative_image_version: number };
}

/** The batch once it has ended, through `GET /media/jobs/{id}`. */
export async function batchWhenEnded(t: TestPlatform, token: string, jobId: string, timeoutMs = 60_000) {
  await t.waitForJob(jobId, ['completed', 'failed', 'cancelled'], timeoutMs);
  const res = await t.call('GET', `/media/jobs/${jobId}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/**
 * Starts a batch for the character and returns its job id. Seed 11 unless told: the offline NSFW
 * model flags about 1 in 200 of the stub's abstract pictures, so a random seed would now and then
 * lose an image to the guard (the stub is deterministic per prompt and seed).
 */
export async function generate(t: TestPlatform, token: string, entityId: string, over: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/media/generate', { token, body: { entity_type: 'character', entity_id: entityId, prompt: 'silver-haired swordswoman, blue cloak', seed: 11, ...over } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.job_id as string;
}
