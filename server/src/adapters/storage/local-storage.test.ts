import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from './local-storage';
import { localStorageRoutes, parseRange } from './local-storage-routes';

const root = mkdtempSync(path.join(os.tmpdir(), 'mf-local-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let clock = Date.now();
const store = new LocalObjectStorage({ rootDir: root, publicBaseUrl: 'http://files.test', secret: 'k'.repeat(32), now: () => clock });
const app = localStorageRoutes(store);
const body = Buffer.from('0123456789abcdefghij');

async function presign(key: string, size = body.length, ct = 'image/png') {
  return store.presignPut({ key, contentType: ct, size, expiresInSec: 60 });
}

describe('local object storage', () => {
  it('round-trips a signed PUT, then a signed GET with and without Range', async () => {
    const url = await presign('uploads/u1/a.png');
    const put = await app.request(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
    expect(put.status).toBe(200);
    expect(await store.head('uploads/u1/a.png')).toEqual({ size: 20, contentType: 'image/png' });
    expect(await store.get('uploads/u1/a.png', 100)).toEqual(body);
    await expect(store.get('uploads/u1/a.png', 5)).rejects.toThrow(/over the 5 limit/);

    const get = await store.signedGetUrl('uploads/u1/a.png', 60);
    const full = await app.request(get);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer())).toEqual(body);
    const part = await app.request(get, { headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/20');
    expect(await part.text()).toBe('2345');
    const tail = await app.request(get, { headers: { range: 'bytes=-3' } });
    expect(await tail.text()).toBe('hij');
    expect((await app.request(get, { headers: { range: 'bytes=50-' } })).status).toBe(416);
    expect((await app.request(get, { method: 'HEAD' })).headers.get('content-length')).toBe('20');
  });

  it('refuses tampered, expired, mistyped and oversized uploads, storing nothing', async () => {
    const key = 'uploads/u1/b.png';
    const url = await presign(key);
    const tampered = url.replace('size=20', 'size=2000');
    expect((await app.request(tampered, { method: 'PUT', headers: { 'content-type': 'image/png' }, body })).status).toBe(403);
    const otherKey = url.replace('/b.png', '/c.png');
    expect((await app.request(otherKey, { method: 'PUT', headers: { 'content-type': 'image/png' }, body })).status).toBe(403);
    const wrongType = await app.request(url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body });
    expect(wrongType.status).toBe(403);
    expect(((await wrongType.json()) as any).error.code).toBe('SIGNATURE_MISMATCH');
    const big = Buffer.concat([body, Buffer.from('x')]);
    expect((await app.request(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: big })).status).toBe(413);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(15));
        c.enqueue(new Uint8Array(15));
        c.close();
      },
    });
    const res = await app.request(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    clock += 61_000;
    const expired = await app.request(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as any).error.code).toBe('URL_EXPIRED');
    clock -= 61_000;
    expect(await store.head(key)).toBeNull();
  });

  it('serves nothing without a valid signature', async () => {
    await store.put('jobs/j1/clip_1.mp4', body, 'video/mp4');
    expect((await app.request(store.publicUrl('jobs/j1/clip_1.mp4'))).status).toBe(403);
    const signed = await store.signedGetUrl('jobs/j1/clip_1.mp4', 60);
    expect((await app.request(signed.replace('sig=', 'sig=x'))).status).toBe(403);
    clock += 61_000;
    expect((await app.request(signed)).status).toBe(403);
    clock -= 61_000;
    const ok = await app.request(signed);
    expect(ok.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(body);
  });

  it('maps public URLs to keys and back, and nothing else', () => {
    const key = 'uploads/u1/1_abc.jpg';
    expect(store.keyFromPublicUrl(store.publicUrl(key))).toBe(key);
    for (const url of ['http://evil.test/files/uploads/u1/1_abc.jpg', 'http://files.test/files/../secret', 'http://files.test/files/uploads/u1/a.jpg?x=1', 'http://files.test/other/a.jpg', 'http://files.test/files/uploads//a.jpg']) {
      expect(store.keyFromPublicUrl(url), url).toBeNull();
    }
  });

  it('rejects unsafe keys', async () => {
    for (const key of ['../x', '/abs', 'a/../b', 'a\\b', 'a//b', '', 'a/b.meta.json']) {
      await expect(store.put(key, body, 'text/plain'), key).rejects.toThrow(/unsafe object key/);
    }
    const res = await app.request('http://files.test/storage/put/..%2Fescape?ct=x&size=1&exp=1&sig=x', { method: 'PUT', body: 'x' });
    expect(res.status).toBe(400);
  });

  it('parses single byte ranges', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
  });
});
