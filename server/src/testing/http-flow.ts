import { makeImage } from './fixtures';

/** One JSON request to a running mediaforge process at `base` (child-process tests). */
export async function httpJson(base: string, method: string, url: string, token?: string, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/**
 * Seed 000's flow over real HTTP: sign up, presign, PUT a photo, draft, confirm. Returns the token
 * and the job id, and the confirm's answer (a confirm may be refused; the caller checks).
 */
export async function submitClipsJob(base: string, mode: 'quick' | 'story' | 'trailer' = 'story') {
  const { body: auth } = await httpJson(base, 'POST', '/v1/auth/anon');
  const photo = await makeImage('image/png');
  const { body: p } = await httpJson(base, 'POST', '/api/upload/presign', auth.token, { mime: 'image/png', size: photo.length });
  const put = await fetch(p.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(photo) });
  if (put.status !== 200) throw new Error(`PUT ${put.status}`);
  const { body: d } = await httpJson(base, 'POST', '/api/jobs/draft', auth.token, { photoUrls: [p.publicUrl] });
  const confirm = await httpJson(base, 'POST', '/api/jobs/confirm', auth.token, { draftJobId: d.draftJobId, mode, stage: 'teen', genre: 'drama' });
  return { token: auth.token as string, jobId: d.draftJobId as string, confirm };
}

/** Polls `fn` every 100 ms until it returns a value (errors count as not yet). */
export async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null); // a server still starting refuses: try again
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
