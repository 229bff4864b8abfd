import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStorage } from './s3-storage';

// s3rver speaks the S3 protocol over HTTP but does not check signatures: the signed parts of a
// presigned URL are asserted on the URL itself, and the local store's tests cover enforcement.
const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-s3-'));
let server: { close(): Promise<void> };
let store: S3ObjectStorage;
let endpoint: string;

beforeAll(async () => {
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const addr = (await s3.run()) as { port: number };
  server = s3;
  endpoint = `http://127.0.0.1:${addr.port}`;
  store = new S3ObjectStorage({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', bucket: 'media', forcePathStyle: true });
  await store.ensureBucket();
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 object storage', () => {
  it('puts, heads, gets and deletes objects', async () => {
    await store.ping();
    await store.put('jobs/j1/clip_1.mp4', Buffer.from('video-bytes'), 'video/mp4');
    expect(await store.head('jobs/j1/clip_1.mp4')).toEqual({ size: 11, contentType: 'video/mp4' });
    expect((await store.get('jobs/j1/clip_1.mp4', 100))!.toString()).toBe('video-bytes');
    await expect(store.get('jobs/j1/clip_1.mp4', 3)).rejects.toThrow(/limit/);
    await store.delete('jobs/j1/clip_1.mp4');
    expect(await store.head('jobs/j1/clip_1.mp4')).toBeNull();
    expect(await store.get('jobs/j1/clip_1.mp4', 100)).toBeNull();
  });

  it('uploads through a real presigned PUT and reads back through a presigned GET', async () => {
    const body = Buffer.from('\x89PNG fake but bytes');
    const url = await store.presignPut({ key: 'uploads/u1/1_ab.png', contentType: 'image/png', size: body.length, expiresInSec: 60 });
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
    expect(put.status).toBe(200);
    expect(await store.head('uploads/u1/1_ab.png')).toMatchObject({ size: body.length, contentType: 'image/png' });
    const get = await fetch(await store.signedGetUrl('uploads/u1/1_ab.png', 60));
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
  });

  it('signs the content type and length into a path-style URL that expires', async () => {
    const url = new URL(await store.presignPut({ key: 'uploads/u1/2_cd.jpg', contentType: 'image/jpeg', size: 1234, expiresInSec: 60 }));
    expect(url.pathname).toBe('/media/uploads/u1/2_cd.jpg');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    const signed = url.searchParams.get('X-Amz-SignedHeaders')!.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps public URLs to keys, with or without a public base URL', () => {
    expect(store.keyFromPublicUrl(store.publicUrl('uploads/u1/x.png'))).toBe('uploads/u1/x.png');
    expect(store.publicUrl('uploads/u1/x.png')).toBe(`${endpoint}/media/uploads/u1/x.png`);
    const cdn = new S3ObjectStorage({ region: 'auto', accessKeyId: 'a', secretAccessKey: 'b', bucket: 'media', forcePathStyle: false, publicBaseUrl: 'https://cdn.example.com/' });
    expect(cdn.publicUrl('uploads/u1/x.png')).toBe('https://cdn.example.com/uploads/u1/x.png');
    expect(cdn.keyFromPublicUrl('https://cdn.example.com/uploads/u1/x.png')).toBe('uploads/u1/x.png');
    expect(cdn.keyFromPublicUrl('https://cdn.example.com.evil.test/uploads/u1/x.png')).toBeNull();
    expect(cdn.keyFromPublicUrl('https://cdn.example.com/../etc/passwd')).toBeNull();
  });
});
