import type { TestPlatform } from './test-platform';
import { makeImage } from './fixtures';

/** Seed 000 section 6 steps 1-3 for tests: presign, PUT, draft. */
export async function uploadPhoto(t: TestPlatform, token: string, mime: 'image/jpeg' | 'image/png' | 'image/webp' = 'image/jpeg', body?: Buffer) {
  const bytes = body ?? (await makeImage(mime));
  const presign = await t.call('POST', '/api/upload/presign', { token, body: { mime, size: bytes.length } });
  if (presign.status !== 200) throw new Error(`presign: ${presign.status} ${JSON.stringify(presign.body)}`);
  const put = await t.app.request(presign.body.uploadUrl, { method: 'PUT', headers: { 'content-type': mime }, body: new Uint8Array(bytes) });
  if (put.status !== 200) throw new Error(`PUT: ${put.status} ${await put.text()}`);
  return presign.body as { key: string; uploadUrl: string; publicUrl: string };
}

export async function makeDraft(t: TestPlatform, token: string, count = 1): Promise<string> {
  const urls = [];
  for (let i = 0; i < count; i++) urls.push((await uploadPhoto(t, token)).publicUrl);
  const res = await t.call('POST', '/api/jobs/draft', { token, body: { photoUrls: urls } });
  if (res.status !== 200) throw new Error(`draft: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.draftJobId;
}

export const confirmBody = (draftJobId: string, mode: 'quick' | 'story' | 'trailer', extra: Record<string, unknown> = {}) => ({
  draftJobId, mode, stage: 'teen', genre: 'comedy', ...extra,
});
