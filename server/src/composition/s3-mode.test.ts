import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStorage } from '../adapters/storage/s3-storage';
import { confirmBody } from '../testing/clips-flow';
import { makeImage } from '../testing/fixtures';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';

/** With S3_* set, uploads and generated media live in the S3-compatible store. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-s3mode-'));
let s3: { close(): Promise<void> };
let t: TestPlatform;

beforeAll(async () => {
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port } = (await server.run()) as { port: number };
  s3 = server;
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_BUCKET: 'mediaforge', S3_FORCE_PATH_STYLE: 'true',
  };
  await new S3ObjectStorage({ endpoint: env.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', bucket: 'mediaforge', forcePathStyle: true }).ensureBucket();
  t = await createTestPlatform({ env });
});
afterAll(async () => {
  await t?.dispose();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 mode', () => {
  it('runs the clips flow with uploads and media in the bucket', async () => {
    expect(t.deps.storage.kind).toBe('s3');
    const { token } = await t.signUp();
    const photo = await makeImage('image/webp');
    const p = await t.call('POST', '/api/upload/presign', { token, body: { mime: 'image/webp', size: photo.length } });
    expect(p.body.uploadUrl).toContain('/mediaforge/uploads/');
    expect(p.body.uploadUrl).toContain('X-Amz-Signature=');
    expect((await fetch(p.body.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/webp' }, body: new Uint8Array(photo) })).status).toBe(200);
    const d = await t.call('POST', '/api/jobs/draft', { token, body: { photoUrls: [p.body.publicUrl] } });
    expect(d.status).toBe(200);
    await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d.body.draftJobId, 'quick') });
    await t.waitForJob(d.body.draftJobId, ['completed', 'failed'], 60_000);
    const job = await t.call('GET', `/api/jobs/${d.body.draftJobId}`, { token });
    expect(job.body.status).toBe('completed');
    const video = await fetch(job.body.result.clips[0].videoUrl);
    expect(video.status).toBe(200);
    expect(Buffer.from(await video.arrayBuffer()).subarray(4, 8).toString()).toBe('ftyp');
  });
});
