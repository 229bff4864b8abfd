import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBomb } from '../../adapters/media/png-bomb';
import { uploadPhoto } from '../../testing/clips-flow';
import { makeImage } from '../../testing/fixtures';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { sweepUnusedUploads } from './upload-sweeper';

// No worker: these tests are about uploads; the clock is moved by hand.
let nowMs = Date.now();
let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false, clock: { now: () => new Date(nowMs) }, env: { UPLOADS_PER_HOUR: '5', UPLOAD_MB_PER_HOUR: '10' } });
}, 120_000);
afterAll(async () => t?.dispose());

const put = (url: string, body: Buffer, mime = 'image/jpeg') =>
  t.app.request(url, { method: 'PUT', headers: { 'content-type': mime }, body: new Uint8Array(body) });
const presign = (token: string, mime: string, size: number) => t.call('POST', '/api/upload/presign', { token, body: { mime, size } });
const draft = (token: string, photoUrls: string[]) => t.call('POST', '/api/jobs/draft', { token, body: { photoUrls } });
const uploadOf = (key: string) => t.deps.store.read((r) => r.uploads.get(key));

describe('a presigned upload is single-use', () => {
  it('refuses a second PUT to the URL, before and after the bytes were verified', async () => {
    const { token } = await t.signUp();
    const a = await makeImage('image/jpeg', 1);
    const b = await makeImage('image/jpeg', 2);
    const p = await presign(token, 'image/jpeg', a.length);
    expect((await put(p.body.uploadUrl, a)).status).toBe(200);
    const again = await put(p.body.uploadUrl, a);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'ALREADY_UPLOADED' } });
    expect((await draft(token, [p.body.publicUrl])).status).toBe(200);
    // Other bytes of the same size (the signature pins the size) are refused too.
    const other = Buffer.concat([b, Buffer.alloc(Math.max(0, a.length - b.length))]).subarray(0, a.length);
    expect((await put(p.body.uploadUrl, other)).status).toBe(409);
    expect((await t.deps.storage.get(p.body.key, a.length))!.equals(a)).toBe(true);
  });

  it('lets exactly one of two racing PUTs store its bytes', async () => {
    const { token } = await t.signUp();
    const a = await makeImage('image/jpeg', 3);
    const p = await presign(token, 'image/jpeg', a.length);
    const statuses = (await Promise.all([put(p.body.uploadUrl, a), put(p.body.uploadUrl, a)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
  });
});

describe('an upload refused at verification', () => {
  const truncatedJpeg = async () => {
    const jpeg = await makeImage('image/jpeg', 4, 512);
    return jpeg.subarray(0, Math.floor(jpeg.length / 2));
  };
  it.each([
    ['text', 'image/png', async () => Buffer.from('just some text, not an image at all')],
    ['HTML', 'image/jpeg', async () => Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    ['SVG', 'image/png', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')],
    ['a decompression bomb', 'image/png', () => pngBomb(20_000)],
    ['a truncated file', 'image/jpeg', truncatedJpeg],
    ['bytes of another type than declared', 'image/webp', () => makeImage('image/png', 5)],
  ])('%s is marked rejected with its reason, deleted, and never examined again', async (_name, mime, bytes) => {
    const { token } = await t.signUp();
    const body = await bytes();
    const p = await presign(token, mime, body.length);
    expect((await put(p.body.uploadUrl, body, mime)).status).toBe(200);
    const inspect = t.deps.media.inspectImage.bind(t.deps.media);
    let inspected = 0;
    t.deps.media.inspectImage = (b) => (inspected++, inspect(b));
    try {
      const first = await draft(token, [p.body.publicUrl]);
      expect(first.status).toBe(400);
      expect(first.body).toMatchObject({ code: 'INVALID_PHOTO_URL', url: p.body.publicUrl });
      const reason = (first.body.error as string).slice(0, -(p.body.publicUrl.length + 2));
      expect(await t.deps.storage.head(p.body.key)).toBeNull();
      expect(await uploadOf(p.body.key)).toMatchObject({ status: 'rejected', rejectReason: reason });

      const second = await draft(token, [p.body.publicUrl]);
      expect(second.status).toBe(400);
      expect(second.body.error).toBe(`This upload was rejected (${reason}); upload the photo again: ${p.body.publicUrl}`);
      expect(inspected).toBeLessThanOrEqual(1);
    } finally {
      t.deps.media.inspectImage = inspect;
    }
  });
});

describe('hourly upload limits', () => {
  it('allows 5 presigns an hour, then 429 with Retry-After in the flat shape, and again in the next hour', async () => {
    const { token, userId } = await t.signUp();
    const results = await Promise.all(Array.from({ length: 12 }, () => presign(token, 'image/jpeg', 1000)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.body).toEqual({ error: 'Upload limit reached (5 uploads/hour)', code: 'UPLOAD_LIMIT' });
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(3600);
    }
    const window = new Date(nowMs).toISOString().slice(0, 13);
    expect(await t.deps.store.read((r) => r.counters.get({ scope: 'uploads.count', subject: userId, window }))).toBe(5);
    nowMs += 3600 * 1000;
    expect((await presign(token, 'image/jpeg', 1000)).status).toBe(200);
  });

  it('limits the declared bytes an hour: 10 MB, then one byte more is refused and counts nothing', async () => {
    const { token, userId } = await t.signUp();
    expect((await presign(token, 'image/jpeg', 10 * 1024 * 1024)).status).toBe(200);
    const over = await presign(token, 'image/png', 1);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ error: 'Upload limit reached (10 MB/hour)', code: 'UPLOAD_LIMIT' });
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    // The refused presign took nothing from the count either (one transaction); the next hour has room again.
    const window = new Date(nowMs).toISOString().slice(0, 13);
    expect(await t.deps.store.read((r) => r.counters.get({ scope: 'uploads.count', subject: userId, window }))).toBe(1);
    nowMs += 3600 * 1000;
    expect((await presign(token, 'image/png', 1)).status).toBe(200);
  });

  it('lists the upload limits it enforces in /v1/me', async () => {
    const { token } = await t.signUp();
    expect((await t.call('GET', '/v1/me', { token })).body.limits.clips).toMatchObject({ uploadsPerHour: 5, uploadBytesPerHour: 10 * 1024 * 1024 });
  });
});

describe('unused uploads are deleted', () => {
  it('expires uploads never verified after their URL, and verified ones no job names after 24 h', async () => {
    const { token } = await t.signUp();
    const neverPut = (await presign(token, 'image/jpeg', 1000)).body;
    const putOnly = await uploadPhoto(t, token);
    const inDraft = await uploadPhoto(t, token);
    expect((await draft(token, [inDraft.publicUrl])).status).toBe(200);
    // Verified, then its draft was refused for another photo: no job names it.
    const orphan = await uploadPhoto(t, token);
    const bad = await presign(token, 'image/png', 5);
    await put(bad.body.uploadUrl, Buffer.from('hello'), 'image/png');
    expect((await draft(token, [orphan.publicUrl, bad.body.publicUrl])).status).toBe(400);
    expect(await uploadOf(orphan.key)).toMatchObject({ status: 'verified' });

    // Within the URL's life and its margin nothing goes.
    nowMs += 5 * 60 * 1000;
    await sweepUnusedUploads(t.deps);
    expect(await uploadOf(putOnly.key)).toMatchObject({ status: 'pending' });

    nowMs += 7 * 60 * 1000;
    await sweepUnusedUploads(t.deps);
    expect(await uploadOf(neverPut.key)).toMatchObject({ status: 'expired' });
    expect(await uploadOf(putOnly.key)).toMatchObject({ status: 'expired' });
    expect(await t.deps.storage.head(putOnly.key)).toBeNull();
    const late = await draft(token, [putOnly.publicUrl]);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe(`This upload expired unused and was deleted; upload the photo again: ${putOnly.publicUrl}`);
    expect(await uploadOf(orphan.key)).toMatchObject({ status: 'verified' });

    // A day later the reconciler's tick deletes the verified upload no job names, and keeps the draft's.
    nowMs += 24 * 3600 * 1000;
    await t.reconciler.tick();
    expect(await uploadOf(orphan.key)).toMatchObject({ status: 'expired' });
    expect(await t.deps.storage.head(orphan.key)).toBeNull();
    expect(await uploadOf(inDraft.key)).toMatchObject({ status: 'verified' });
    expect(await t.deps.storage.head(inDraft.key)).not.toBeNull();
  });
});
