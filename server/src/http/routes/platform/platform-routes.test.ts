import { z } from 'zod';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitJob } from '../../../services/jobs/submit-job';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({
    env: { SIGNUP_RATE_LIMIT: '3', TRUST_PROXY: 'true' },
    pipelines: (r) => {
      r.register({ id: 't.noop', app: 'test', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), run: async () => ({ output: 1 }) }] });
      r.register({
        id: 't.progress', app: 'test', input: z.looseObject({}),
        steps: [
          { name: 'one', weight: 1, output: z.json(), run: async (ctx) => { await ctx.progress(0.5, 'half'); return { output: 1 }; } },
          { name: 'two', weight: 1, output: z.json(), run: async () => ({ output: 2 }) },
        ],
      });
      r.register({ id: 't.wait', app: 'test', input: z.looseObject({}), steps: [{ name: 'w', weight: 1, output: z.json(), run: async () => ({ wait: { reason: 'review', timeoutMs: 60_000 } }) }] });
    },
  });
});
afterAll(async () => t?.dispose());

const signUpFrom = (ip: string) => t.call('POST', '/v1/auth/anon', { headers: { 'x-forwarded-for': ip } });

describe('identity', () => {
  it('signs up anonymously with the sign-up grant in the ledger', async () => {
    const res = await signUpFrom('10.0.0.1');
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ plan: 'free', role: 'user', credits: 10 });
    const credits = await t.call('GET', '/v1/credits', { token: res.body.token });
    expect(credits.body).toMatchObject({ balance: 10, entries: [{ kind: 'grant', amount: 10, reason: 'sign-up grant' }] });
    const me = await t.call('GET', '/v1/me', { token: res.body.token });
    expect(me.body).toMatchObject({ id: res.body.user.id, credits: 10, limits: { clips: { runningJobs: 1, quickPerDay: 1, uploadsPerHour: 60, uploadBytesPerHour: 200 * 1024 * 1024 } } });
  });

  it('rate-limits sign-ups per client address with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await signUpFrom('10.9.9.9')).status).toBe(201);
    const limited = await signUpFrom('10.9.9.9');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signUpFrom('10.9.9.10')).status).toBe(201);
  });

  it('refuses tokens that are unsigned, of another algorithm, expired, without exp, or of another audience', async () => {
    const userId = (await signUpFrom('10.0.0.2')).body.user.id as string;
    const key = new TextEncoder().encode(t.env.JWT_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: userId, iss: 'mediaforge', aud: 'mediaforge-api', iat: now, exp: now + 60 })}.`;
    const hs512 = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject(userId).setIssuer('mediaforge').setAudience('mediaforge-api').setIssuedAt().setExpirationTime('1h').sign(key);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('mediaforge').setAudience('mediaforge-api').setIssuedAt(now - 120).setExpirationTime(now - 60).sign(key);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('mediaforge').setAudience('mediaforge-api').setIssuedAt().sign(key);
    const otherAud = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('mediaforge').setAudience('elsewhere').setIssuedAt().setExpirationTime('1h').sign(key);
    const wrongKey = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('mediaforge').setAudience('mediaforge-api').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)));
    for (const token of [none, hs512, expired, noExp, otherAud, wrongKey]) {
      const res = await t.call('GET', '/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_INVALID');
    }
    expect((await t.call('GET', '/v1/me')).body.error.code).toBe('AUTH_REQUIRED');
  });
});

describe('jobs', () => {
  it('lists my jobs newest first with cursor pagination and filters', async () => {
    const me = await t.signUp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submitJob(t.deps, { userId: me.userId, app: i % 2 ? 'odd' : 'even', pipeline: 't.noop', input: {} })).id);
    for (const id of ids) await t.waitForJob(id, ['completed']);
    const page1 = await t.call('GET', '/v1/jobs?limit=2', { token: me.token });
    expect(page1.status).toBe(200);
    expect(page1.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[4], ids[3]]);
    const page2 = await t.call('GET', `/v1/jobs?limit=2&cursor=${page1.body.nextCursor}`, { token: me.token });
    expect(page2.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const page3 = await t.call('GET', `/v1/jobs?limit=2&cursor=${page2.body.nextCursor}`, { token: me.token });
    expect(page3.body).toMatchObject({ jobs: [{ id: ids[0] }], nextCursor: null });
    const odd = await t.call('GET', '/v1/jobs?app=odd&status=completed', { token: me.token });
    expect(odd.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[1]]);
    expect((await t.call('GET', '/v1/jobs?status=bogus', { token: me.token })).status).toBe(400);
    expect((await t.call('GET', '/v1/jobs?limit=1000', { token: me.token })).status).toBe(400);
    expect((await t.call('GET', '/v1/jobs?cursor=zzz', { token: me.token })).status).toBe(400);
    // Another user's list does not contain them.
    const other = await t.signUp();
    expect((await t.call('GET', '/v1/jobs', { token: other.token })).body.jobs).toEqual([]);
  });

  it('shows any app’s job with state history, steps and trace', async () => {
    const me = await t.signUp();
    const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.progress', input: { a: 1 } });
    await t.waitForJob(job.id, ['completed']);
    const res = await t.call('GET', `/v1/jobs/${job.id}`, { token: me.token });
    expect(res.body).toMatchObject({
      id: job.id, app: 'test', status: 'completed', progress: 1, input: { a: 1 },
      stateHistory: [{ status: 'queued' }, { status: 'running' }, { status: 'completed' }],
      steps: expect.arrayContaining([expect.objectContaining({ name: 'one', status: 'done', attempts: 1 })]),
    });
    expect(res.body.trace.map((e: { step: string }) => e.step)).toEqual(['one', 'two']);
  });

  it('streams progress and status as Server-Sent Events until the job ends', async () => {
    const me = await t.signUp();
    const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.wait', input: {} });
    await t.waitForJob(job.id, ['waiting']);
    const res = await t.app.request(`/v1/jobs/${job.id}/events`, { headers: { authorization: `Bearer ${me.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil('"status":"waiting"');
    const cancel = await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token });
    expect(cancel.status).toBe(200);
    await readUntil('"status":"cancelled"');
    const { done } = await reader.read();
    expect(done).toBe(true);
    expect(text).toMatch(/event: job\ndata: \{"jobId":"[^"]+","seq":(\d+),"status":"waiting".*\}\nid: \1\n/);
  });

  it('cancels with a refund of work not done; another user cannot', async () => {
    const me = await t.signUp();
    const other = await t.signUp();
    const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.wait', input: {}, cost: 4 });
    await t.waitForJob(job.id, ['waiting']);
    expect((await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: other.token })).status).toBe(403);
    // Read first so the detail is cached: the cancellation's event must evict it.
    expect((await t.call('GET', `/v1/jobs/${job.id}`, { token: me.token })).body.status).toBe('waiting');
    const res = await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token });
    expect((await t.call('GET', `/v1/jobs/${job.id}`, { token: me.token })).body.status).toBe('cancelled');
    expect(res.body).toMatchObject({ refunded: 4, job: { status: 'cancelled' } });
    expect((await t.call('GET', '/v1/me', { token: me.token })).body.credits).toBe(10);
    expect((await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token })).status).toBe(409);
    expect((await t.call('GET', `/v1/jobs/${job.id}/events`, { token: other.token })).status).toBe(403);
  });
});

describe('admin', () => {
  it('grants credits, lists jobs and queues, changes plans; users get 403 and no token 401', async () => {
    const me = await t.signUp();
    const grant = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: 5, reason: 'support' }, headers: { 'idempotency-key': 'k-1' } });
    expect(grant.body).toMatchObject({ balance: 15, applied: true });
    const replay = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: 5, reason: 'support' }, headers: { 'idempotency-key': 'k-1' } });
    expect(replay.body).toMatchObject({ balance: 15, applied: false });
    expect((await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: 'usr_x', amount: 5, reason: 'r' } })).status).toBe(404);
    expect((await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: 0, reason: 'r' } })).status).toBe(400);

    const patched = await t.call('PATCH', `/v1/admin/users/${me.userId}`, { token: TEST_ADMIN_KEY, body: { plan: 'pro' } });
    expect(patched.body).toMatchObject({ plan: 'pro', role: 'user' });
    expect((await t.call('GET', '/v1/admin/jobs?limit=5', { token: TEST_ADMIN_KEY })).status).toBe(200);
    const queues = await t.call('GET', '/v1/admin/queues', { token: TEST_ADMIN_KEY });
    expect(queues.body.queue).toHaveProperty('waiting');

    for (const [method, path, body] of [['POST', '/v1/admin/credits', { userId: me.userId, amount: 5, reason: 'x' }], ['GET', '/v1/admin/jobs'], ['GET', '/v1/admin/queues'], ['PATCH', `/v1/admin/users/${me.userId}`, { role: 'admin' }]] as const) {
      expect((await t.call(method, path, { token: me.token, body })).status, `${method} ${path}`).toBe(403);
      expect((await t.call(method, path, { body })).status).toBe(401);
    }
  });
});

describe('request hygiene', () => {
  it('answers 413 for a body over the limit, with Content-Length or chunked', async () => {
    const me = await t.signUp();
    const big = JSON.stringify({ mime: 'image/png', size: 1, pad: 'x'.repeat(300 * 1024) });
    const withLength = await t.call('POST', '/api/upload/presign', { token: me.token, body: big });
    expect(withLength.status).toBe(413);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await t.app.request('/api/upload/presign', { method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' }, body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('serves health, readiness, the OpenAPI document and docs', async () => {
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    expect((await t.call('GET', '/readyz')).body).toMatchObject({ status: 'ready', checks: { database: 'ok', queue: 'ok', storage: 'ok' } });
    const doc = await t.call('GET', '/openapi.json');
    for (const p of ['/v1/auth/anon', '/v1/me', '/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/events', '/v1/jobs/{id}/cancel', '/v1/credits', '/v1/admin/credits', '/api/upload/presign', '/api/jobs/draft', '/api/jobs/confirm', '/api/jobs/{jobId}']) {
      expect(doc.body.paths, p).toHaveProperty([p]);
    }
    expect((await t.app.request('/docs')).status).toBe(200);
    expect((await t.call('GET', '/nope')).body.error.code).toBe('NOT_FOUND');
  });
});
