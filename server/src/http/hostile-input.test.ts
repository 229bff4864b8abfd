import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitJob } from '../services/jobs/submit-job';
import { uploadPhoto } from '../testing/clips-flow';
import { hostileRequests, type HostileRequest } from '../testing/hostile-requests';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({
    // The worker stops below: an endpoint that waits for its job (studio's image) gives up quickly.
    settings: { syncJobDeadlineMs: 100 },
    pipelines: (r) => r.register({ id: 't.noop', app: 'test', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), run: async () => ({ output: 1 }) }] }),
  });
}, 120_000);
afterAll(async () => t?.dispose());

const DRAFT = 'live-draft-placeholder';

/**
 * A user with an ended job, an upload and plenty of credits, so that the valid parts of a request
 * reach the services. Confirm requests name a placeholder that `send` swaps for a live draft, and
 * a fresh draft replaces each one confirmed: every confirm variant meets a real draft.
 */
async function identity(admin: boolean) {
  const me = await t.signUp();
  if (admin) expect((await t.call('PATCH', `/v1/admin/users/${me.userId}`, { token: TEST_ADMIN_KEY, body: { role: 'admin' } })).status).toBe(200);
  expect((await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: 1_000_000, reason: 'fuzz' } })).status).toBe(200);
  const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.noop', input: {} });
  await t.waitForJob(job.id, ['completed']);
  const upload = await uploadPhoto(t, me.token);
  const other = await t.signUp();
  const known = (name: string, template: string): unknown => {
    if (template.startsWith('/v1/admin/users/')) return name === 'id' ? other.userId : undefined;
    return ({ id: job.id, jobId: job.id, userId: me.userId, draftJobId: DRAFT, mode: 'story', rewriteEnabled: true, photoUrls: [upload.publicUrl] } as Record<string, unknown>)[name];
  };
  // Drafts reuse the one upload: the fuzz must not run into a per-user upload limit.
  const newDraft = async () => {
    const res = await t.call('POST', '/api/jobs/draft', { token: me.token, body: { photoUrls: [upload.publicUrl] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.draftJobId as string;
  };
  let draft = await newDraft();
  let renewed = 0;
  return { token: me.token, known, draft: () => draft, renewed: () => renewed, renewDraft: async () => void ((draft = await newDraft()), renewed++) };
}

/** Whether an error body has its mount's shape: flat under /api, seed 003's envelope under /s3, nested elsewhere. */
function hasMountShape(url: string, body: any): boolean {
  if (url.startsWith('/api/')) return typeof body?.error === 'string' && typeof body?.code === 'string';
  if (url.startsWith('/s3/')) return body?.success === false && body?.data === null && typeof body?.error?.code === 'string' && typeof body?.meta?.request_id === 'string';
  return typeof body?.error?.code === 'string' && typeof body?.error?.message === 'string';
}

async function send(token: string, r: HostileRequest, draft: string) {
  const sent = r.body?.replaceAll(DRAFT, draft);
  const res = await t.app.request(r.url, { method: r.method, headers: { ...r.headers, authorization: `Bearer ${token}` }, body: sent });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* an event stream */
  }
  return { status: res.status, body };
}

describe('hostile input on every route of the OpenAPI document', () => {
  it('never answers 5xx, and every error keeps its mount’s shape, as a user and as an admin', { timeout: 300_000 }, async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    let sent = 0;
    const serverErrors: string[] = [];
    const misshapen: string[] = [];
    const users = [await identity(false), await identity(true)];
    // Confirmed jobs stay queued: the fuzz is about the API, not the pipelines.
    await t.worker.stop();
    for (const who of users) {
      for (const r of hostileRequests(doc, who.known)) {
        const res = await send(who.token, r, who.draft());
        sent++;
        if (res.status === 200 && r.url.startsWith('/api/jobs/confirm')) {
          // The plan runs one job at a time: the confirmed job is cancelled so the next draft can be confirmed.
          expect((await t.call('POST', `/v1/jobs/${who.draft()}/cancel`, { token: who.token })).status).toBe(200);
          await who.renewDraft();
        }
        // With no worker, a job that the request waits for is stopped at its deadline: the answer of a stopped worker, not of the input.
        const stoppedWorker = res.status === 504 && /_TIMEOUT$/.test((res.body as { code?: string })?.code ?? '');
        if (res.status >= 500 && !stoppedWorker) serverErrors.push(`${res.status} ${r.label} ${JSON.stringify(res.body).slice(0, 200)}`);
        else if (res.status >= 400 && !hasMountShape(r.url, res.body)) misshapen.push(`${res.status} ${r.label} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    console.log(`hostile requests sent: ${sent}, 5xx: ${serverErrors.length}, misshapen errors: ${misshapen.length}, drafts confirmed: ${users[0]!.renewed() + users[1]!.renewed()}`);
    // The confirm variants did reach live drafts, so their texts met the service and the database.
    expect(users.every((u) => u.renewed() > 5)).toBe(true);
    expect(sent).toBeGreaterThan(2000);
    expect(serverErrors).toEqual([]);
    expect(misshapen).toEqual([]);
  });
});
