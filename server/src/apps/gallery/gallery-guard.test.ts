import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidMediaError, type MediaToolkit } from '../../core/ports/media';
import { batchWhenEnded, generate, makeCharacter } from '../../testing/gallery-flow';
import { balanceOf } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { placeGeneratedImage } from './gallery-place';

/** What the next screenings say, in call order: the images of a batch race, so a test counts outcomes, not which image got which. */
const script: ('ok' | 'nsfw' | 'broken')[] = [];
const FLAGGED = { drawing: 0.01, hentai: 0.04, neutral: 0.05, porn: 0.85, sexy: 0.05 };

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
  const real: MediaToolkit = t.deps.media;
  // The same toolkit, with screenImage answering from the script (no test image is explicit).
  const scripted = Object.create(real) as MediaToolkit;
  scripted.screenImage = async (buf) => {
    const outcome = script.shift() ?? 'ok';
    const screening = await real.screenImage(buf);
    if (outcome === 'broken') throw new InvalidMediaError('cannot screen image: truncated');
    return outcome === 'nsfw' ? { ...screening, nsfw: FLAGGED } : screening;
  };
  (t.deps as { media: MediaToolkit }).media = scripted;
});
afterAll(async () => t?.dispose());

describe('seed 004 content guard: every image screened before anyone can fetch it', () => {
  it('a mixed batch: the blocked and the failed image are refunded alone, never stored, and reported with reasons', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    script.push('ok', 'nsfw', 'broken', 'ok');
    const jobId = await generate(t, token, ch.id, { count: 4 });
    const batch = await batchWhenEnded(t, token, jobId);
    expect(batch, JSON.stringify(batch)).toMatchObject({ status: 'completed', succeeded: 2, blocked: 1, failed: 1, refunded: 2 });
    const blocked = batch.errors.find((e: { kind: string }) => e.kind === 'blocked');
    expect(blocked).toMatchObject({ code: 'CONTENT_BLOCKED', refunded: 1 });
    expect(blocked.message).toMatch(/explicit content/);
    expect(batch.errors.find((e: { kind: string }) => e.kind === 'failed')).toMatchObject({ refunded: 1 });
    expect(await balanceOf(t, token)).toBe(10 - 4 + 2);
    // Only the two kept images were ever stored.
    const stored = await t.deps.store.read((r) => r.assets.listForJob(jobId));
    expect(stored.map((a) => a.id).sort()).toEqual(batch.results.map((r: { asset_id: string }) => r.asset_id).sort());
    expect((await t.call('GET', `/characters/${ch.id}/images`, { token })).body).toHaveLength(2);
  });

  it('the same picture again is a near-duplicate: not kept twice; a batch with nothing kept fails and gives back credits and the day\'s images', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    const first = await batchWhenEnded(t, token, await generate(t, token, ch.id, { count: 2, seed: 42 }));
    expect(first).toMatchObject({ status: 'completed', succeeded: 2 });
    const today = async () => (await t.call('GET', '/media/options', { token })).body.images_today;
    expect(await today()).toBe(2);

    const again = await batchWhenEnded(t, token, await generate(t, token, ch.id, { count: 2, seed: 42 }));
    expect(again, JSON.stringify(again)).toMatchObject({ status: 'failed', succeeded: 0, blocked: 2, refunded: 2, error: { code: 'ALL_FAILED' } });
    expect(again.errors.map((e: { code: string }) => e.code)).toEqual(['DUPLICATE_IMAGE', 'DUPLICATE_IMAGE']);
    expect(await balanceOf(t, token)).toBe(10 - 2);
    expect(await today()).toBe(2);
    expect((await t.call('GET', `/characters/${ch.id}`, { token })).body.gallery_count).toBe(2);
  });

  it('a blocked prompt is refused before any charge, through spacing, jamo and look-alike letters', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    for (const prompt of ['누 드 초상화', 'ㄴㅜㄷㅡ 모델', 'a n.u.d.e knight', 'Pikachu with a sword', '디즈니 공주']) {
      const res = await t.call('POST', '/media/generate', { token, body: { entity_type: 'character', entity_id: ch.id, prompt } });
      expect(res.status, prompt).toBe(400);
      expect(res.body.error.code, prompt).toBe('PROMPT_BLOCKED');
    }
    // Ordinary words around or across spaces from a term are not the term; a negative prompt says what to avoid.
    const clean = await t.call('POST', '/media/generate', {
      token, body: { entity_type: 'character', entity_id: ch.id, prompt: '칼로리 걱정 없는 플로리다의 성기사, 바나나 체리 과일 바구니, a marvelous sextant 🍰', negative_prompt: 'nude, nsfw', count: 1 },
    });
    expect(clean.status, JSON.stringify(clean.body)).toBe(202);
    expect(await balanceOf(t, token)).toBe(9);
    const named = await t.call('POST', '/characters', { token, body: { name: 'Pikachu', description: '누 드 모델', is_public: true } });
    expect(named.body.error).toMatchObject({ code: 'ENTITY_TEXT_BLOCKED', term: '누드' });
    const rtl = await t.call('POST', '/characters', { token, body: { name: '\u202eevil' } });
    expect(rtl.body.error.message).toMatch(/text-direction override/);
  });
});

describe('the gallery decides duplicates under the entity lock', () => {
  it('placing a near-duplicate of a kept image throws DUPLICATE_IMAGE (the settle rolls back), whatever the step saw', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    const batch = await batchWhenEnded(t, token, await generate(t, token, ch.id, { count: 1 }));
    const job = (await t.deps.store.read((r) => r.jobs.get(batch.job_id)))!;
    const kept = (await t.deps.store.read((r) => r.mediaAssets.listForEntity(ch.id)))[0]!;
    // A sibling that screened before `kept` was placed: same picture, one bit apart.
    const phash = (BigInt(`0x${kept.phash}`) ^ 1n).toString(16).padStart(16, '0');
    const output = { assetId: 'ast_sibling', phash, width: 768, height: 1024, seed: 1, provider: 'stub-image' };
    await expect(t.deps.store.tx((r) => placeGeneratedImage(r, job, { idx: 1, output }, new Date()))).rejects.toMatchObject({ code: 'DUPLICATE_IMAGE' });
    expect((await t.call('GET', `/characters/${ch.id}`, { token })).body.gallery_count).toBe(1);
  });
});
