import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBomb } from '../../adapters/media/png-bomb';
import { IMAGE_LIMITS } from '../../core/media/image-limits';
import { confirmBody, uploadPhoto } from '../../testing/clips-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

/**
 * Issue 7 section 1 over the real HTTP flow (presign -> PUT -> draft -> confirm): what phones make
 * is accepted and processed; strips, bombs and oversized images are refused at the draft with a 400
 * that says why; an image that slipped past verification fails its job and is refunded.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

type Mime = 'image/jpeg' | 'image/png' | 'image/webp';
const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#4a7' }, limitInputPixels: false });
const encode = (img: Sharp, mime: Mime) => (mime === 'image/jpeg' ? img.jpeg({ quality: 85 }) : mime === 'image/webp' ? img.webp() : img.png()).toBuffer();

/** A 48 MP photo as a current phone makes it: 8064x6048 JPEG with a gradient and a face-like disc. */
async function phonePhoto(orientation?: number): Promise<Buffer> {
  const [w, h] = [8064, 6048];
  const art = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g"><stop offset="0" stop-color="#d84"/><stop offset="1" stop-color="#48d"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${w / 2}" cy="${h / 2}" r="${h / 4}" fill="#f2d0b5"/></svg>`;
  const img = solid(w, h).composite([{ input: Buffer.from(art) }]);
  return (orientation ? img.withMetadata({ orientation }) : img).jpeg({ quality: 92 }).toBuffer();
}

async function draftOf(token: string, mime: Mime, bytes: Buffer) {
  const photo = await uploadPhoto(t, token, mime, bytes);
  return { photo, res: await t.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [photo.publicUrl] } }) };
}

async function runQuick(token: string, draftJobId: string) {
  const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draftJobId, 'quick') });
  expect(confirm.status).toBe(200);
  return t.waitForJob(draftJobId, ['completed', 'failed'], 60_000);
}

describe('photos from phones', () => {
  it('accepts a 48-megapixel JPEG (8064x6048, under 10 MB) and makes its 512 px reference', async () => {
    const { token } = await t.signUp();
    const jpeg = await phonePhoto();
    expect(jpeg.length).toBeLessThan(IMAGE_LIMITS.maxBytes);
    const { res } = await draftOf(token, 'image/jpeg', jpeg);
    expect(res.status).toBe(200);
    const done = await runQuick(token, res.body.draftJobId);
    expect(done.status).toBe('completed');
    const ref = (await t.deps.store.read((r) => r.assets.listForJob(done.id))).find((a) => a.slot === 'ref_1');
    expect(ref).toMatchObject({ width: 512, height: 512 });
  }, 60_000);

  it('accepts a portrait 48 MP JPEG rotated by EXIF, and a 20:1 panorama, the widest allowed', async () => {
    const { token } = await t.signUp();
    const portrait = await draftOf(token, 'image/jpeg', await phonePhoto(6));
    expect(portrait.res.status).toBe(200);
    const upload = await t.deps.store.read((r) => r.uploads.get(portrait.photo.key));
    expect(upload).toMatchObject({ width: 6048, height: 8064 });

    // The cover box of the widest strip is bounded: 512 x 10240 pixels, whatever the input.
    for (const [w, h, mime] of [[1000, 50, 'image/png'], [40, 2, 'image/webp'], [2, 40, 'image/jpeg']] as const) {
      const user = await t.signUp(); // one free quick a day each
      const { res } = await draftOf(user.token, mime, await encode(solid(w, h), mime));
      expect(res.status, `${w}x${h}`).toBe(200);
      expect((await runQuick(user.token, res.body.draftJobId)).status, `${w}x${h}`).toBe('completed');
    }
  }, 90_000);
});

describe('photos refused at the draft, with the reason in words', () => {
  it('refuses strips past 20:1 in every format (2000x1 and 4000x1 PNG, 1x3000, 10000x10, ...)', async () => {
    const { token } = await t.signUp();
    const cases: [number, number, Mime][] = [
      [2000, 1, 'image/png'], [4000, 1, 'image/png'], [1, 3000, 'image/png'], [10000, 10, 'image/png'],
      [65535, 1, 'image/png'], [21, 1, 'image/png'], [3000, 100, 'image/jpeg'], [1, 500, 'image/webp'],
    ];
    for (const [w, h, mime] of cases) {
      const bytes = await encode(solid(w, h), mime);
      const { photo, res } = await draftOf(token, mime, bytes);
      expect(res.status, `${w}x${h}`).toBe(400);
      expect(res.body).toMatchObject({
        code: 'INVALID_PHOTO_URL',
        error: `Photo refused: ${w}x${h} is too narrow: the longer side may be at most 20 times the shorter: ${photo.publicUrl}`,
      });
    }
  }, 60_000);

  it('refuses decompression bombs and images over their format\'s megapixel limit, naming the size', async () => {
    const { token } = await t.signUp();
    const bomb = await pngBomb(20_000);
    expect(bomb.length).toBeLessThan(100_000);
    const cases: [Buffer, Mime, string][] = [
      [bomb, 'image/png', '20000x20000 is larger than 40 megapixels (the PNG limit); scale it down or send it as JPEG'],
      [await pngBomb(65_535), 'image/png', '65535x65535 is larger than 40 megapixels (the PNG limit); scale it down or send it as JPEG'],
      [await encode(solid(8064, 6048), 'image/png'), 'image/png', '8064x6048 is larger than 40 megapixels (the PNG limit); scale it down or send it as JPEG'],
      [await encode(solid(7000, 7000), 'image/webp'), 'image/webp', '7000x7000 is larger than 40 megapixels (the WebP limit); scale it down or send it as JPEG'],
    ];
    for (const [bytes, mime, why] of cases) {
      const { photo, res } = await draftOf(token, mime, bytes);
      expect(res.status, why).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_PHOTO_URL', error: `Photo refused: ${why}: ${photo.publicUrl}` });
    }
  }, 60_000);
});

describe('a photo that slipped past verification', () => {
  it('fails its job at identity_pack and refunds it, instead of crashing or retrying', async () => {
    const { token } = await t.signUp();
    const before = (await t.call('GET', '/v1/me', { token })).body.credits;
    // As if verified under older rules: the strip is stored and marked verified directly.
    const strip = await encode(solid(4000, 1), 'image/png');
    const photo = await uploadPhoto(t, token, 'image/png', strip);
    await t.deps.store.tx((r) =>
      r.uploads.markVerified(photo.key, { size: strip.length, sha256: createHash('sha256').update(strip).digest('hex'), width: 4000, height: 1 }, t.deps.clock.now()),
    );
    const draft = await t.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [photo.publicUrl] } });
    expect(draft.status).toBe(200);
    const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft.body.draftJobId, 'story') });
    expect(confirm.status).toBe(200);
    const failed = await t.waitForJob(draft.body.draftJobId, ['completed', 'failed'], 30_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({
      code: 'INVALID_PHOTO', step: 'identity_pack', refunded: 2,
      message: 'Photo 1 cannot be used: 4000x1 is too narrow: the longer side may be at most 20 times the shorter',
    });
    expect((await t.call('GET', '/v1/me', { token })).body.credits).toBe(before);
  });
});

describe('image work over its memory cap', () => {
  it('refuses the photo with a 400 that says so, fails a job on it with a refund, and the server keeps serving', async () => {
    // Every image worker (node + sharp) is resident above 64 MB, so each check is killed at once.
    const tight = await createTestPlatform({ env: { MEDIA_MEMORY_MB: '64' } });
    try {
      const { token } = await tight.signUp();
      const photo = await uploadPhoto(tight, token, 'image/jpeg');
      const res = await tight.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [photo.publicUrl] } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'INVALID_PHOTO_URL',
        error: `Photo refused: image worker needed more than 64 MB for this input and was stopped: ${photo.publicUrl}`,
      });
      expect((await tight.call('GET', '/v1/me', { token })).status).toBe(200);

      // The same kill inside a job (a photo verified before the limit): failed once, refunded, never retried.
      // The refused upload was deleted: a second one of the same photo is marked verified directly.
      const again = await uploadPhoto(tight, token, 'image/jpeg');
      const bytes = (await tight.deps.storage.get(again.key, IMAGE_LIMITS.maxBytes))!;
      await tight.deps.store.tx((r) =>
        r.uploads.markVerified(again.key, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), width: 256, height: 256 }, tight.deps.clock.now()),
      );
      const draft = await tight.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [again.publicUrl] } });
      const confirm = await tight.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft.body.draftJobId, 'story') });
      expect(confirm.status).toBe(200);
      const failed = await tight.waitForJob(draft.body.draftJobId, ['completed', 'failed'], 30_000);
      expect(failed.error).toMatchObject({
        code: 'INVALID_PHOTO', step: 'identity_pack', refunded: 2,
        message: 'Photo 1 cannot be used: image worker needed more than 64 MB for this input and was stopped',
      });
      const steps = await tight.deps.store.read((r) => r.steps.list(failed.id));
      expect(steps.find((s) => s.name === 'identity_pack')).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await tight.call('GET', '/v1/me', { token })).body.credits).toBe(10);
    } finally {
      await tight.dispose();
    }
  });
});

describe('the limits, stated', () => {
  it('are in the OpenAPI description of presign and draft, as enforced', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    for (const path of ['/api/upload/presign', '/api/jobs/draft']) {
      const text = doc.paths[path].post.description as string;
      expect(text, path).toContain('at most 10 MB; at most JPEG 200 MP, PNG 40 MP, WebP 40 MP; the longer side at most 20 times the shorter');
    }
    expect(IMAGE_LIMITS).toEqual({ maxBytes: 10 * 1024 * 1024, maxMegapixels: { 'image/jpeg': 200, 'image/png': 40, 'image/webp': 40 }, maxAspectRatio: 20 });
  });
});
