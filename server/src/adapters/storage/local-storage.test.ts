import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from './local-storage';
import { localStorageRoutes } from './local-storage-routes';

const root = mkdtempSync(path.join(os.tmpdir(), 'mf-local-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let clock = Date.parse('2026-01-01T00:00:00Z');
const store = new LocalObjectStorage({ rootDir: root, publicBaseUrl: 'http://files.test/', secret: Buffer.from('k'.repeat(32)), now: () => clock });
const app = localStorageRoutes(store);
const body = Buffer.from('0123456789abcdefghij');

const presign = (key: string, size = body.length, ct = 'image/png') => store.presignPut({ key, contentType: ct, size, expiresInSec: 60 });
const put = (url: string, data: BodyInit | null, headers: Record<string, string> = { 'content-type': 'image/png' }) =>
  app.request(url, { method: 'PUT', headers, body: data, duplex: 'half' } as RequestInit);
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const allFiles = () => readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(root, path.join(d.parentPath, d.name)));

function streamOf(...chunks: number[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const n of chunks) c.enqueue(new Uint8Array(n).fill(65));
      c.close();
    },
  });
}

describe('local object storage: signed PUT', () => {
  it('round-trips presign -> PUT -> head/get -> signed GET with and without Range', async () => {
    const key = 'uploads/u1/1700000000000_0123456789abcdef.png';
    const url = await presign(key);
    expect(url).toMatch(/^http:\/\/files\.test\/storage\/put\/uploads\/u1\/1700000000000_0123456789abcdef\.png\?ct=image%2Fpng&size=20&exp=\d+&sig=[\w-]+$/);
    const res = await put(url, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key, size: 20 });
    expect(await store.head(key)).toEqual({ size: 20, contentType: 'image/png' });
    expect(await store.get(key, 20)).toEqual(body);
    await expect(store.get(key, 19)).rejects.toThrow(/over the 19 limit/);

    const get = await store.signedGetUrl(key, 60);
    const full = await app.request(get);
    expect(full.status).toBe(200);
    for (const [name, value] of Object.entries({ 'content-type': 'image/png', 'content-length': '20', 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff' })) {
      expect(full.headers.get(name), name).toBe(value);
    }
    expect(Buffer.from(await full.arrayBuffer())).toEqual(body);

    const part = await app.request(get, { headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/20');
    expect(part.headers.get('content-length')).toBe('4');
    expect(await part.text()).toBe('2345');
    expect(await (await app.request(get, { headers: { range: 'bytes=-3' } })).text()).toBe('hij');
    expect(await (await app.request(get, { headers: { range: 'bytes=18-' } })).text()).toBe('ij');
    const beyond = await app.request(get, { headers: { range: 'bytes=50-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */20');

    const head = await app.request(get, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('20');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses tampered and expired URLs', async () => {
    const key = 'uploads/u1/b.png';
    const url = await presign(key);
    for (const forged of [
      url.replace('size=20', 'size=2000'),
      url.replace('/b.png', '/c.png'),
      url.replace('ct=image%2Fpng', 'ct=image%2Fjpeg'),
      url.replace(/exp=(\d+)/, (_, e) => `exp=${Number(e) + 3600}`),
      url.replace(/sig=.{4}/, 'sig=AAAA'),
      url.replace(/&sig=.*$/, ''),
    ]) {
      const res = await put(forged, body, { 'content-type': forged.includes('jpeg') ? 'image/jpeg' : 'image/png' });
      expect(res.status, forged).toBe(403);
      expect(await errorCode(res)).toBe('SIGNATURE_MISMATCH');
    }
    clock += 61_000;
    const expired = await put(url, body);
    clock -= 61_000;
    expect(expired.status).toBe(403);
    expect(await errorCode(expired)).toBe('URL_EXPIRED');
    expect(await store.head(key)).toBeNull();
  });

  it('requires the signed Content-Type', async () => {
    const url = await presign('uploads/u1/t.png');
    const wrong = await put(url, body, { 'content-type': 'image/jpeg' });
    expect(wrong.status).toBe(403);
    const err = ((await wrong.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('SIGNATURE_MISMATCH');
    expect(err.message).toContain('Content-Type: image/png');
    expect((await put(url, body, {})).status).toBe(403);
    // Parameters and case do not change the media type.
    expect((await put(url, body, { 'content-type': 'Image/PNG; charset=binary' })).status).toBe(200);
  });

  it('refuses a body of another length, with or without Content-Length, storing nothing', async () => {
    const key = 'uploads/u1/big.png';
    const url = await presign(key);
    const declaredBig = await put(url, Buffer.concat([body, Buffer.from('x')]));
    expect(declaredBig.status).toBe(413);
    expect(await errorCode(declaredBig)).toBe('PAYLOAD_TOO_LARGE');

    // A Content-Length over the size is refused before the body is read.
    let pulled = false;
    const lazy = new ReadableStream<Uint8Array>({ pull: (c) => { pulled = true; c.enqueue(new Uint8Array(1000)); c.close(); } }, { highWaterMark: 0 });
    expect((await put(url, lazy, { 'content-type': 'image/png', 'content-length': '1000' })).status).toBe(413);
    expect(pulled).toBe(false);

    // Without a length, the body is counted as it streams and cut off at the declared size.
    expect((await put(url, streamOf(15, 15))).status).toBe(413);
    expect((await put(url, streamOf(21))).status).toBe(413);
    const short = await put(url, streamOf(10));
    expect(short.status).toBe(400);
    expect(await errorCode(short)).toBe('SIZE_MISMATCH');
    expect((await put(url, body.subarray(0, 5))).status).toBe(400);
    expect((await put(url, null)).status).toBe(400);

    expect(await store.head(key)).toBeNull();
    expect(allFiles().filter((f) => f.includes('big.png'))).toEqual([]);
    expect((await put(url, streamOf(10, 10))).status).toBe(200);
    expect(await store.head(key)).toEqual({ size: 20, contentType: 'image/png' });
  });

  it('leaves nothing behind when the body fails mid-stream', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(5));
        c.error(new Error('connection reset'));
      },
    });
    await expect(store.receive('uploads/u1/broken.png', failing, 'image/png', 20)).rejects.toThrow(/connection reset/);
    expect(allFiles().filter((f) => f.includes('broken'))).toEqual([]);
  });
});

describe('local object storage: files and keys', () => {
  it('serves nothing without a valid, unexpired signature', async () => {
    await store.put('jobs/j1/clip_1.mp4', body, 'video/mp4');
    const unsigned = await app.request(store.publicUrl('jobs/j1/clip_1.mp4'));
    expect(unsigned.status).toBe(403);
    expect(await errorCode(unsigned)).toBe('SIGNATURE_MISMATCH');
    const signed = await store.signedGetUrl('jobs/j1/clip_1.mp4', 60);
    expect((await app.request(signed.replace('sig=', 'sig=x'))).status).toBe(403);
    expect((await app.request(signed.replace('clip_1', 'clip_2'))).status).toBe(403);
    clock += 61_000;
    const expired = await app.request(signed);
    clock -= 61_000;
    expect(await errorCode(expired)).toBe('URL_EXPIRED');
    const ok = await app.request(signed);
    expect(ok.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(body);
    const missing = await app.request(await store.signedGetUrl('jobs/j1/none.mp4', 60));
    expect(missing.status).toBe(404);
  });

  it('replaces, deletes and names objects whose keys need URL encoding', async () => {
    const key = 'jobs/j2/전체 클립 #1%.mp4';
    await store.put(key, Buffer.from('old'), 'video/mp4');
    await store.put(key, Buffer.from('new!'), 'video/webm');
    expect(await store.head(key)).toEqual({ size: 4, contentType: 'video/webm' });
    const res = await app.request(await store.signedGetUrl(key, 60));
    expect(await res.text()).toBe('new!');
    expect(store.keyFromPublicUrl(store.publicUrl(key))).toBe(key);
    await store.delete(key);
    expect(await store.head(key)).toBeNull();
    expect(await store.get(key, 10)).toBeNull();
    await store.delete(key);
    expect(allFiles().filter((f) => f.includes('j2'))).toEqual([]);
  });

  it('maps its own public URLs to keys, and nothing else', () => {
    const key = 'uploads/u1/1_abc.jpg';
    expect(store.publicUrl(key)).toBe('http://files.test/files/uploads/u1/1_abc.jpg');
    expect(store.keyFromPublicUrl(store.publicUrl(key))).toBe(key);
    for (const url of [
      'http://evil.test/files/uploads/u1/1_abc.jpg',
      'https://files.test/files/uploads/u1/1_abc.jpg',
      'http://files.test.evil.test/files/uploads/u1/1_abc.jpg',
      'http://files.test/files/../secret',
      'http://files.test/files/%2E%2E/secret',
      'http://files.test/files/uploads%2Fu1%2F1_abc.jpg',
      'http://files.test/files/uploads/u1/a.jpg?x=1',
      'http://files.test/files/uploads/u1/a.jpg#x',
      'http://files.test/other/a.jpg',
      'http://files.test/files/uploads//a.jpg',
      'http://files.test/files/',
      'not a url',
    ]) {
      expect(store.keyFromPublicUrl(url), url).toBeNull();
    }
  });

  it('rejects unsafe keys everywhere', async () => {
    for (const key of ['../x', '/abs', 'a/../b', 'a/./b', 'a\\b', 'a//b', 'a/', '', 'a/b.meta.json', 'a/b.tmp', 'a\nb', 'x'.repeat(256)]) {
      await expect(store.put(key, body, 'text/plain'), key).rejects.toThrow(/unsafe object key/);
      await expect(store.presignPut({ key, contentType: 'image/png', size: 1, expiresInSec: 60 }), key).rejects.toThrow(/unsafe/);
      expect(() => store.publicUrl(key), key).toThrow(/unsafe/);
    }
    const res = await put('http://files.test/storage/put/..%2Fescape?ct=x&size=1&exp=1&sig=x', 'x');
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('INVALID_KEY');
    expect(allFiles().some((f) => f.startsWith('..'))).toBe(false);
  });

  it('keeps the secret out of logs and answers ping', async () => {
    expect(JSON.stringify(store)).not.toContain('kkkk');
    await store.ping();
  });
});
