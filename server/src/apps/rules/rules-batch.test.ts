import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../../testing/fixtures';
import { putUpload, s3User, uploadedBatch } from '../../testing/rules-flow';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t?.dispose());

async function waitForBatch(token: string, id: string, statuses: string[]) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await t.call('GET', `/s3/jobs/${id}`, { token });
    if (statuses.includes(res.body.data?.status)) return res.body.data;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${res.body.data?.status}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('seed 003 batch jobs: create, upload, confirm, execute on the GPU worker, results', () => {
  it('runs a preset over the photos: each item done with its result, 1 credit each', async () => {
    const { token } = await s3User(t);
    const jobId = await uploadedBatch(t, token, { count: 3 });
    const before = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
    expect(before).toMatchObject({ status: 'uploaded', progress: { done: 0, failed: 0, total: 3 }, rule: { source: 'preset', id: 'marketplace-thumbnail' } });

    const run = await t.call('POST', `/s3/jobs/${jobId}/execute`, { token });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.data).toMatchObject({ status: 'queued', credits: { charged: 3, refunded: 0 } });
    const done = await waitForBatch(token, jobId, ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', progress: { done: 3, failed: 0, total: 3 }, credits: { charged: 3, refunded: 0 } });
    const me = await t.call('GET', '/s3/me', { token });
    expect(me.body.data.credits).toBe(7);

    for (const item of done.items) {
      expect(item).toMatchObject({ status: 'done', output_url: expect.any(String), error: null });
      const res = await t.app.request(item.output_url);
      expect(res.status).toBe(200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: done.output_format === 'image/webp' ? 'webp' : 'jpeg', width: item.output.width, height: item.output.height });
    }
  });

  it('confirm-upload names the missing and the bad photos by index, and deletes the bad ones', async () => {
    const { token } = await s3User(t);
    const made = await t.call('POST', '/s3/jobs', { token, body: { preset_id: 'food', image_count: 3, mimes: ['image/jpeg', 'image/png', 'image/jpeg'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { uploads, job } = made.body.data;
    expect(uploads.map((u: { headers: Record<string, string> }) => u.headers['Content-Type'])).toEqual(['image/jpeg', 'image/png', 'image/jpeg']);
    expect((await putUpload(t, uploads[0], await makeImage('image/jpeg'))).status).toBe(200);
    expect((await putUpload(t, uploads[1], Buffer.from('%PDF-1.4 not an image at all'))).status).toBe(200);
    const early = await t.call('POST', `/s3/jobs/${job.job_id}/execute`, { token });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('JOB_WRONG_STATE');

    const refused = await t.call('POST', `/s3/jobs/${job.job_id}/confirm-upload`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, data: null, error: { code: 'INVALID_REQUEST', missing: [2], invalid: [{ index: 1 }] } });
    expect(refused.body.error.message).toMatch(/index 2.*index 1|index 1.*index 2/s);

    // Fresh URLs for the photos to send again (the first may have expired by then); the refused one was deleted.
    const again = refused.body.error.uploads;
    expect(again.map((u: { index: number }) => u.index)).toEqual([1, 2]);
    expect(again[0].headers).toEqual({ 'Content-Type': 'image/png' });
    expect((await putUpload(t, again[0], await makeImage('image/png'))).status).toBe(200);
    expect((await putUpload(t, again[1], await makeImage('image/jpeg', 3))).status).toBe(200);
    const ok = await t.call('POST', `/s3/jobs/${job.job_id}/confirm-upload`, { token });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.status).toBe('uploaded');
  });
});
