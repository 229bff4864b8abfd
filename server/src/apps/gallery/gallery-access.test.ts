import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchWhenEnded, generate, makeCharacter } from '../../testing/gallery-flow';
import { balanceOf, grantCredits } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

describe('seed 004 permissions: owners change, visibility follows the public flag', () => {
  it('others get 403 on every change and see a private gallery as not found; a public one is open to anyone, anonymous included', async () => {
    const owner = await t.signUp();
    const other = await t.signUp();
    const ch = await makeCharacter(t, owner.token);
    const batch = await batchWhenEnded(t, owner.token, await generate(t, owner.token, ch.id, { count: 2 }));
    // The gallery's order is the order images arrived in; the first to arrive is the primary.
    const [a, b] = (await t.call('GET', `/characters/${ch.id}/images`, { token: owner.token })).body.map((i: { id: string }) => i.id);
    expect([a, b].sort()).toEqual(batch.results.map((r: { asset_id: string }) => r.asset_id).sort());

    // Private: another user and an anonymous caller learn nothing.
    for (const token of [other.token, undefined]) {
      expect((await t.call('GET', `/characters/${ch.id}`, { token })).status).toBe(404);
      expect((await t.call('GET', `/characters/${ch.id}/images`, { token })).status).toBe(404);
      expect((await t.call('GET', `/media/assets/${a}`, { token })).status).toBe(404);
    }
    // Another user's job is not found either: its entity may be private.
    expect((await t.call('GET', `/media/jobs/${batch.job_id}`, { token: other.token })).body.error.code).toBe('JOB_NOT_FOUND');
    expect((await t.call('POST', `/media/jobs/${batch.job_id}/cancel`, { token: other.token })).status).toBe(404);

    // Public: readable by anyone, changeable by the owner only.
    expect((await t.call('PATCH', `/characters/${ch.id}`, { token: owner.token, body: { is_public: true } })).status).toBe(200);
    const seen = await t.call('GET', `/characters/${ch.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ is_owner: false, gallery_count: 2 });
    expect(seen.body.avatar_url).toMatch(new RegExp(`^/media/assets/${a}\\?v=1$`));
    const images = await t.call('GET', `/characters/${ch.id}/images`);
    expect(images.body.map((i: { id: string }) => i.id)).toEqual([a, b]);
    const redirect = await t.app.request(`/media/assets/${a}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toMatch(/^public/);
    expect((await t.app.request(redirect.headers.get('location')!)).headers.get('content-type')).toBe('image/png');
    expect((await t.call('GET', '/characters')).body.map((e: { id: string }) => e.id)).toContain(ch.id);

    const asOther = { token: other.token };
    const refusals = [
      await t.call('POST', '/media/generate', { ...asOther, body: { entity_type: 'character', entity_id: ch.id, prompt: 'a knight' } }),
      await t.call('PATCH', `/characters/${ch.id}/images/${b}/primary`, asOther),
      await t.call('PATCH', `/characters/${ch.id}/images/order`, { ...asOther, body: { ids: [b, a] } }),
      await t.call('DELETE', `/characters/${ch.id}/images/${a}`, asOther),
      await t.call('POST', `/characters/${ch.id}/images/${a}/crop`, { ...asOther, body: { x: 0, y: 0, width: 100, height: 100 } }),
      await t.call('PATCH', `/characters/${ch.id}`, { ...asOther, body: { name: 'mine now' } }),
      await t.call('DELETE', `/characters/${ch.id}`, asOther),
      await t.call('GET', `/characters/${ch.id}/prompt-prefill`, asOther),
    ];
    expect(refusals.map((r) => [r.status, r.body.error.code])).toEqual(Array(8).fill([403, 'NOT_OWNER']));
    expect(await balanceOf(t, other.token)).toBe(10);
    // Nothing changed.
    expect((await t.call('GET', `/characters/${ch.id}/images`)).body.map((i: { id: string; is_primary: boolean }) => [i.id, i.is_primary])).toEqual([[a, true], [b, false]]);

    // Anonymous callers may not change anything; unknown ids are 404.
    expect((await t.call('PATCH', `/characters/${ch.id}/images/${b}/primary`)).status).toBe(401);
    expect((await t.call('POST', '/media/generate', { token: owner.token, body: { entity_type: 'character', entity_id: 'chr_nope', prompt: 'x' } })).status).toBe(404);
    expect((await t.call('PATCH', `/characters/${ch.id}/images/ast_nope/primary`, { token: owner.token })).body.error.code).toBe('IMAGE_NOT_FOUND');
    // A character is not a story.
    expect((await t.call('GET', `/stories/${ch.id}`, { token: owner.token })).status).toBe(404);

    // Deleting the entity takes its images, objects included.
    const keys = (await t.deps.store.read((r) => r.assets.listForJob(batch.job_id))).map((x) => x.storageKey);
    expect((await t.call('DELETE', `/characters/${ch.id}`, { token: owner.token })).status).toBe(204);
    expect((await t.call('GET', `/media/assets/${a}`)).status).toBe(404);
    for (const key of keys) expect(await t.deps.storage.get(key, 1e8)).toBeNull();
  });
});

describe('seed 004 limits and input', () => {
  it('one batch per entity at a time (409), 24 images a day (429 with Retry-After), refused requests charge nothing', async () => {
    const slow = await createTestPlatform({ env: { STUB_LATENCY_MS: '1500' } });
    try {
      await limits(slow);
    } finally {
      await slow.dispose();
    }
  });
  async function limits(t: TestPlatform) {
    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, 100);
    const ch = await makeCharacter(t, token);
    const other = await makeCharacter(t, token, { name: '두번째' });
    // The provider takes 1.5 s an image here: the first batch is still running when the second comes.
    const first = await generate(t, token, ch.id, { count: 8 });
    const busy = await t.call('POST', '/media/generate', { token, body: { entity_type: 'character', entity_id: ch.id, prompt: 'again', count: 1 } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('ENTITY_BUSY');
    // The owner's page finds the running batch after a reload; others are not told.
    expect((await t.call('GET', `/characters/${ch.id}`, { token })).body.generating_job_id).toBe(first);
    // Cancelled while its images generate: each unmade image listed, refunded, its day's images given back.
    const cancelled = await t.call('POST', `/media/jobs/${first}/cancel`, { token });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', succeeded: 0, failed: 8, refunded: 8 });
    expect(cancelled.body.errors.map((e: { code: string }) => e.code)).toEqual(Array(8).fill('CANCELLED'));
    expect(await balanceOf(t, token)).toBe(110);
    expect((await t.call('POST', `/media/jobs/${first}/cancel`, { token })).status).toBe(409);
    expect((await t.call('GET', `/characters/${ch.id}`, { token })).body.generating_job_id).toBeNull();
    // Deleting an entity while its batch generates cancels the batch: nothing paid for nothing.
    const doomed = await makeCharacter(t, token, { name: '지울 캐릭터' });
    const doomedJob = await generate(t, token, doomed.id, { count: 2 });
    expect((await t.call('DELETE', `/characters/${doomed.id}`, { token })).status).toBe(204);
    expect(await batchWhenEnded(t, token, doomedJob)).toMatchObject({ status: 'cancelled', refunded: 2, results: [] });
    expect(await balanceOf(t, token)).toBe(110);
    expect((await t.call('GET', '/media/options', { token })).body.images_today).toBe(0);
    await batchWhenEnded(t, token, await generate(t, token, ch.id, { count: 8, seed: 2000 }));
    await batchWhenEnded(t, token, await generate(t, token, other.id, { count: 8, entity_type: 'characters' }));
    await batchWhenEnded(t, token, await generate(t, token, ch.id, { count: 8, seed: 1000 }));
    const before = await balanceOf(t, token);
    const over = await t.call('POST', '/media/generate', { token, body: { entity_type: 'character', entity_id: ch.id, prompt: 'one more', count: 1 } });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'DAILY_LIMIT', limit: 24, used: 24 });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await balanceOf(t, token)).toBe(before);
  }

  it('each wrong field says what to send; long Korean and emoji prompts are taken whole', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    const body = { entity_type: 'character', entity_id: ch.id, prompt: 'a knight' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ count: 9 }, /count must be an integer from 1 to 8/],
      [{ count: '3' }, /count must be a number/],
      [{ style: 'pixel' }, /style must be one of realistic, anime, painterly/],
      [{ ratio: '4:3' }, /ratio must be one of 1:1, 3:4, 16:9/],
      [{ entity_type: 'user' }, /entity_type must be one of/],
      [{ prompt: '   ' }, /prompt is required/],
      [{ prompt: '가'.repeat(2001) }, /prompt must be at most 2000 characters/],
      [{ variation_strength: 2 }, /variation_strength must be from 0 to 1/],
      [{ extra: 1 }, /extra/],
    ];
    for (const [over, message] of cases) {
      const res = await t.call('POST', '/media/generate', { token, body: { ...body, ...over } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(JSON.stringify(res.body.error), JSON.stringify(over)).toMatch(message);
    }
    const long = `${'은발의 검객 🗡️✨ 푸른 망토, '.repeat(120)}`.slice(0, 1990);
    const ok = await batchWhenEnded(t, token, await generate(t, token, ch.id, { prompt: long, count: 1 }));
    expect(ok).toMatchObject({ status: 'completed', succeeded: 1 });
    expect(await balanceOf(t, token)).toBe(9);
  });
});
