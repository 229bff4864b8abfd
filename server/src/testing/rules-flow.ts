import { makeImage } from './fixtures';
import { TEST_ADMIN_KEY, type TestPlatform } from './test-platform';

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

/** A seed 003 user on the pro plan (200 photos a job) with `credits` more credits, and a rule of `operations` saved: its token and the rule's id. */
export async function proUserWithRule(t: TestPlatform, operations: unknown[], credits = 0) {
  const { token, userId } = await s3User(t);
  const pro = await t.call('PATCH', `/v1/admin/users/${userId}`, { token: TEST_ADMIN_KEY, body: { plan: 'pro' } });
  if (pro.status !== 200) throw new Error(`plan change failed: ${pro.status} ${JSON.stringify(pro.body)}`);
  if (credits > 0) {
    const granted = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId, amount: credits, reason: 'test' } });
    if (granted.status >= 300) throw new Error(`credits failed: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  const rule = await t.call('POST', '/s3/rules', { token, body: { name: 'test rule', operations } });
  if (rule.status !== 201) throw new Error(`rule not saved: ${rule.status} ${JSON.stringify(rule.body)}`);
  return { token, userId, ruleId: rule.body.data.id as string };
}

/**
 * A batch job made, its photos (JPEGs unless given) uploaded, 4 at a time, and confirmed:
 * `uploaded`, ready to execute.
 */
export async function uploadedBatch(t: TestPlatform, token: string, opts: { count?: number; preset?: string; ruleId?: string; photos?: Buffer[] } = {}) {
  const photos = opts.photos ?? (await Promise.all(Array.from({ length: opts.count ?? 2 }, (_, i) => makeImage('image/jpeg', i + 1, 320))));
  const body = opts.ruleId ? { rule_id: opts.ruleId, image_count: photos.length } : { preset_id: opts.preset ?? 'marketplace-thumbnail', image_count: photos.length };
  const made = await t.call('POST', '/s3/jobs', { token, body });
  if (made.status !== 201) throw new Error(`job not created: ${made.status} ${JSON.stringify(made.body)}`);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(4, photos.length) }, async () => {
    for (let i = next++; i < photos.length; i = next++) {
      const put = await putUpload(t, made.body.data.uploads[i], photos[i]!);
      if (put.status !== 200) throw new Error(`upload ${i} failed: ${put.status} ${await put.text()}`);
    }
  }));
  const confirmed = await t.call('POST', `/s3/jobs/${made.body.data.job.job_id}/confirm-upload`, { token });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return made.body.data.job.job_id as string;
}
