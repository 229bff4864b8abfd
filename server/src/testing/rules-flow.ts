import { makeImage } from './fixtures';
import type { TestPlatform } from './test-platform';

/** A seed 003 user: its token and id. */
export async function s3User(t: TestPlatform) {
  const res = await t.call('POST', '/s3/auth/anon', { headers: { 'x-forwarded-for': `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } });
  if (res.status !== 201) throw new Error(`s3 sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.data.token as string, userId: res.body.data.user_id as string };
}

/** PUTs bytes to a presigned URL through the app (the local store's URLs are served by it). */
export async function putUpload(t: TestPlatform, upload: { upload_url: string; headers: Record<string, string> }, body: Buffer) {
  return t.app.request(upload.upload_url, { method: 'PUT', headers: { ...upload.headers, 'content-length': String(body.length) }, body: new Uint8Array(body) });
}

/** A batch job made, its photos (JPEGs unless given) uploaded and confirmed: `uploaded`, ready to execute. */
export async function uploadedBatch(t: TestPlatform, token: string, opts: { count?: number; preset?: string; ruleId?: string; photos?: Buffer[] } = {}) {
  const photos = opts.photos ?? (await Promise.all(Array.from({ length: opts.count ?? 2 }, (_, i) => makeImage('image/jpeg', i + 1, 320))));
  const body = opts.ruleId ? { rule_id: opts.ruleId, image_count: photos.length } : { preset_id: opts.preset ?? 'marketplace-thumbnail', image_count: photos.length };
  const made = await t.call('POST', '/s3/jobs', { token, body });
  if (made.status !== 201) throw new Error(`job not created: ${made.status} ${JSON.stringify(made.body)}`);
  for (const [i, photo] of photos.entries()) {
    const put = await putUpload(t, made.body.data.uploads[i], photo);
    if (put.status !== 200) throw new Error(`upload ${i} failed: ${put.status} ${await put.text()}`);
  }
  const confirmed = await t.call('POST', `/s3/jobs/${made.body.data.job.job_id}/confirm-upload`, { token });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return made.body.data.job.job_id as string;
}
