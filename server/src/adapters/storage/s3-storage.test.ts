import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStorage, type S3StorageOptions } from './s3-storage';

// s3rver speaks the S3 protocol over HTTP but does not check signatures: the signed parts of a
// presigned URL are asserted on the URL itself, and the local store's tests cover enforcement.
const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-s3-'));
let server: { close(): Promise<void> } | undefined;
let store: S3ObjectStorage;
let endpoint: string;
const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const offline = (o: Partial<S3StorageOptions>) => new S3ObjectStorage({ ...creds, bucket: 'media', forcePathStyle: false, ...o });

beforeAll(async () => {
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const addr = (await s3.run()) as { port: number };
  server = s3;
  endpoint = `http://127.0.0.1:${addr.port}`;
  store = new S3ObjectStorage({ ...creds, endpoint, region: 'us-east-1', bucket: 'media', forcePathStyle: true });
  await expect(store.ping()).rejects.toThrow();
  await store.ensureBucket();
  await store.ensureBucket();
});
afterAll(async () => {
  store?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 object storage over s3rver', () => {
  it('puts, heads, gets and deletes objects', async () => {
    await store.ping();
    await store.put('jobs/j1/clip_1.mp4', Buffer.from('video-bytes'), 'video/mp4');
    expect(await store.head('jobs/j1/clip_1.mp4')).toEqual({ size: 11, contentType: 'video/mp4' });
    expect((await store.get('jobs/j1/clip_1.mp4', 11))!.toString()).toBe('video-bytes');
    await expect(store.get('jobs/j1/clip_1.mp4', 3)).rejects.toThrow(/11 bytes, over the 3 limit/);
    await store.delete('jobs/j1/clip_1.mp4');
    expect(await store.head('jobs/j1/clip_1.mp4')).toBeNull();
    expect(await store.get('jobs/j1/clip_1.mp4', 100)).toBeNull();
    await store.delete('jobs/j1/clip_1.mp4');
  });

  it('uploads through a real presigned PUT and reads back through a presigned GET, with Range', async () => {
    const body = Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG fake but bytes')]);
    const key = 'uploads/u1/1700000000000_0123456789abcdef.png';
    const url = await store.presignPut({ key, contentType: 'image/png', size: body.length, expiresInSec: 60 });
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
    expect(put.status).toBe(200);
    expect(await store.head(key)).toEqual({ size: body.length, contentType: 'image/png' });
    const getUrl = await store.signedGetUrl(key, 60);
    expect(Buffer.from(await (await fetch(getUrl)).arrayBuffer())).toEqual(body);
    const part = await fetch(getUrl, { headers: { range: 'bytes=1-3' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('PNG');
  });
});

describe('S3 presigned URLs and public names', () => {
  it('signs the content type and length into a path-style URL that expires, with no checksum baked in', async () => {
    const url = new URL(await store.presignPut({ key: 'uploads/u1/2_cd.jpg', contentType: 'image/jpeg', size: 1234, expiresInSec: 60 }));
    expect(url.origin).toBe(endpoint);
    expect(url.pathname).toBe('/media/uploads/u1/2_cd.jpg');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // A CRC32 of the empty body signed at presign time would make S3/R2 reject every real upload.
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });

  it('uses virtual-hosted URLs unless path style is forced, and the region defaults to auto', async () => {
    const r2 = offline({ endpoint: 'https://acc.r2.cloudflarestorage.com' });
    const url = new URL(await r2.presignPut({ key: 'uploads/u1/x.png', contentType: 'image/png', size: 5, expiresInSec: 120 }));
    expect(url.host).toBe('media.acc.r2.cloudflarestorage.com');
    expect(url.pathname).toBe('/uploads/u1/x.png');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/auto\/s3\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(r2.publicUrl('uploads/u1/x.png')).toBe('https://media.acc.r2.cloudflarestorage.com/uploads/u1/x.png');
    const get = new URL(await r2.signedGetUrl('uploads/u1/x.png', 30));
    expect(get.searchParams.get('X-Amz-Expires')).toBe('30');
    r2.close();
  });

  it('maps public URLs to keys, with or without a public base URL, and nothing else', () => {
    expect(store.publicUrl('uploads/u1/x.png')).toBe(`${endpoint}/media/uploads/u1/x.png`);
    expect(store.keyFromPublicUrl(store.publicUrl('uploads/u1/x.png'))).toBe('uploads/u1/x.png');
    expect(store.keyFromPublicUrl(`${endpoint}/other/uploads/u1/x.png`)).toBeNull();
    const cdn = offline({ publicBaseUrl: 'https://cdn.example.com/' });
    expect(cdn.publicUrl('uploads/u1/x.png')).toBe('https://cdn.example.com/uploads/u1/x.png');
    expect(cdn.keyFromPublicUrl('https://cdn.example.com/uploads/u1/x.png')).toBe('uploads/u1/x.png');
    for (const url of [
      'https://cdn.example.com.evil.test/uploads/u1/x.png',
      'http://cdn.example.com/uploads/u1/x.png',
      'https://cdn.example.com/../etc/passwd',
      'https://cdn.example.com/uploads/u1/x.png?download=1',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      expect(cdn.keyFromPublicUrl(url), url).toBeNull();
    }
    cdn.close();
  });

  it('rejects unsafe keys before calling the store', async () => {
    await expect(store.presignPut({ key: '../x', contentType: 'image/png', size: 1, expiresInSec: 60 })).rejects.toThrow(/unsafe/);
    await expect(store.signedGetUrl('a//b', 60)).rejects.toThrow(/unsafe/);
    await expect(store.delete('/abs')).rejects.toThrow(/unsafe/);
  });
});
