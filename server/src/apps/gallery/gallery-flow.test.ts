import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchWhenEnded, generate, makeCharacter } from '../../testing/gallery-flow';
import { balanceOf, fetchMedia } from '../../testing/studio-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

describe('seed 004 end to end over HTTP on the stubs', () => {
  it('a batch of 4 fills the gallery: the first image primary, the avatar and counts follow; primary, order and delete stay consistent', async () => {
    const { token } = await t.signUp();
    const ch = await makeCharacter(t, token);
    expect(ch).toMatchObject({ avatar_url: null, gallery_count: 0, representative_image_version: 0, is_owner: true, is_public: false });

    const prefill = await t.call('GET', `/characters/${ch.id}/prompt-prefill`, { token });
    expect(prefill.status).toBe(200);
    expect(prefill.body.prompt).toContain('한서윤');
    expect(prefill.body.prompt).toContain('달이 두 개 뜨는 왕국');

    const jobId = await generate(t, token, ch.id, { count: 4, ratio: '3:4' });
    const batch = await batchWhenEnded(t, token, jobId);
    expect(batch, JSON.stringify(batch)).toMatchObject({ status: 'completed', succeeded: 4, failed: 0, blocked: 0, refunded: 0, count: 4 });
    expect(batch.results).toHaveLength(4);
    expect(await balanceOf(t, token)).toBe(6);
    const png = await fetchMedia(t, batch.results[0].url);
    expect(png.type).toBe('image/png');
    expect(await t.deps.media.inspectImage(png.body)).toMatchObject({ width: 768, height: 1024 });

    const images = (await t.call('GET', `/characters/${ch.id}/images`, { token })).body;
    expect(images.map((i: { is_primary: boolean }) => i.is_primary)).toEqual([true, false, false, false]);
    expect(images.map((i: { order_index: number }) => i.order_index)).toEqual([0, 1, 2, 3]);
    let entity = (await t.call('GET', `/characters/${ch.id}`, { token })).body;
    expect(entity).toMatchObject({ gallery_count: 4, representative_image_version: 1 });
    expect(entity.avatar_url).toBeTruthy();

    // Primary: exactly one, the avatar and version follow.
    const third = images[2].id;
    entity = (await t.call('PATCH', `/characters/${ch.id}/images/${third}/primary`, { token })).body;
    expect(entity).toMatchObject({ representative_image_version: 2 });
    const after = (await t.call('GET', `/characters/${ch.id}/images`, { token })).body;
    expect(after.filter((i: { is_primary: boolean }) => i.is_primary).map((i: { id: string }) => i.id)).toEqual([third]);

    // Order: exactly the gallery's ids, else 400 saying what differs.
    const reversed = images.map((i: { id: string }) => i.id).reverse();
    const bad = await t.call('PATCH', `/characters/${ch.id}/images/order`, { token, body: { ids: reversed.slice(1) } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'ORDER_MISMATCH', missing: [reversed[0]] });
    const ordered = await t.call('PATCH', `/characters/${ch.id}/images/order`, { token, body: { ids: reversed } });
    expect(ordered.status).toBe(200);
    expect(ordered.body.map((i: { id: string }) => i.id)).toEqual(reversed);

    // Delete the primary: the first by order takes over.
    entity = (await t.call('DELETE', `/characters/${ch.id}/images/${third}`, { token })).body;
    expect(entity).toMatchObject({ gallery_count: 3, representative_image_version: 3 });
    const left = (await t.call('GET', `/characters/${ch.id}/images`, { token })).body;
    expect(left.map((i: { id: string }) => i.id)).toEqual(reversed.filter((id: string) => id !== third));
    expect(left[0].is_primary).toBe(true);

    // Crop: a new image right after its source; the source stays.
    const crop = await t.call('POST', `/characters/${ch.id}/images/${left[0].id}/crop`, { token, body: { x: 100, y: 200, width: 300, height: 400 } });
    expect(crop.status, JSON.stringify(crop.body)).toBe(201);
    expect(crop.body).toMatchObject({ width: 300, height: 400, source_id: left[0].id, is_primary: false, order_index: 1 });
    const out = await t.call('POST', `/characters/${ch.id}/images/${left[0].id}/crop`, { token, body: { x: 700, y: 0, width: 300, height: 400 } });
    expect(out.status).toBe(400);
    expect(out.body.error.code).toBe('CROP_OUT_OF_BOUNDS');
    expect((await t.call('GET', `/characters/${ch.id}`, { token })).body.gallery_count).toBe(4);
  });
});
