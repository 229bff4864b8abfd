import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { createTestPlatform, serverMode, type TestPlatform } from '../../testing/test-platform';
import { submitJob } from '../../services/jobs/submit-job';
import { CLIPS_PLAN_LIMITS } from './clips-options';

// No worker: these tests are about admission, and the confirmed jobs need not run.
let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

describe(`confirm under concurrency (${serverMode ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('10 parallel quick confirms by one user on one day give exactly one 200', async () => {
    const { token } = await t.signUp();
    const drafts = await Promise.all(Array.from({ length: 10 }, () => makeDraft(t, token)));
    const results = await Promise.all(drafts.map((d) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, 'quick') })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    const queued = await t.deps.store.read((r) => r.jobs.list({ limit: 100, status: 'queued' }));
    expect(queued.filter((j) => drafts.includes(j.id))).toHaveLength(1);
  });

  it('8 parallel story confirms with 4 credits give exactly 2, and the balance ends at 0', async () => {
    const { token, userId } = await t.signUp();
    // A pro user (3 running jobs), so that the balance is the limit that binds.
    expect((await t.call('PATCH', `/v1/admin/users/${userId}`, { token: t.env.ADMIN_API_KEY, body: { plan: 'pro' } })).status).toBe(200);
    expect((await t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: -6, reason: 'test' } })).status).toBe(200);
    const drafts = await Promise.all(Array.from({ length: 8 }, () => makeDraft(t, token)));
    const results = await Promise.all(drafts.map((d) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, 'story') })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    const refused = results.filter((r) => r.status === 402);
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(r.body).toMatchObject({ error: 'Not enough credits', needed: 2, balance: 0 });
    const balance = await t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
    expect(balance).toBe(0);
    // The ledger explains the balance exactly: one grant, one correction, two charges.
    const entries = await t.deps.store.read((r) => r.ledger.listForUser(userId, 100));
    expect(entries.reduce((a, e) => a + e.amount, 0)).toBe(0);
    expect(entries.filter((e) => e.kind === 'charge')).toHaveLength(2);
  });

  it("8 parallel story confirms pass the plan's running-job limit exactly: 1 on free, 3 on pro", async () => {
    for (const [plan, limit] of [['free', 1], ['pro', 3]] as const) {
      const { token, userId } = await t.signUp();
      if (plan === 'pro') await t.call('PATCH', `/v1/admin/users/${userId}`, { token: t.env.ADMIN_API_KEY, body: { plan } });
      await t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: 10, reason: 'test' } });
      const drafts = await Promise.all(Array.from({ length: 8 }, () => makeDraft(t, token)));
      const results = await Promise.all(drafts.map((d) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, 'story') })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(limit);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(8 - limit);
      for (const r of refused) {
        expect(r.body).toMatchObject({ code: 'CONCURRENCY_LIMIT', error: `Too many running jobs (${limit} at a time on the ${plan} plan)` });
        expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      // Refused confirms charged nothing; /v1/me lists the limit that was enforced.
      expect((await t.deps.store.read((r) => r.users.get(userId)))!.credits).toBe(20 - 2 * limit);
      expect((await t.call('GET', '/v1/me', { token })).body.limits.clips.runningJobs).toBe(limit);
      // A job that ends frees its place.
      const running = results.find((r) => r.status === 200)!.body.jobId;
      expect((await t.call('POST', `/v1/jobs/${running}/cancel`, { token })).status).toBe(200);
      const next = drafts.find((d) => !results.some((r) => r.status === 200 && r.body.jobId === d))!;
      expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(next, 'story') })).status).toBe(200);
    }
  });

  it("refuses a free user's second paid job with the plan's limit, and admits a pro user's third", async () => {
    for (const [plan, limit] of [['free', 1], ['pro', 3]] as const) {
      const { token, userId } = await t.signUp();
      if (plan === 'pro') expect((await t.call('PATCH', `/v1/admin/users/${userId}`, { token: t.env.ADMIN_API_KEY, body: { plan } })).status).toBe(200);
      await t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: 10, reason: 'test' } });
      for (let i = 0; i < limit; i++) {
        expect((await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(await makeDraft(t, token), 'story') })).status).toBe(200);
      }
      const refused = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(await makeDraft(t, token), 'story') });
      expect(refused).toMatchObject({ status: 429, body: { code: 'CONCURRENCY_LIMIT', error: `Too many running jobs (${limit} at a time on the ${plan} plan)`, limit } });
      // /v1/me shows the limits of the plan table, which admission enforced.
      const me = await t.call('GET', '/v1/me', { token });
      expect(me.body.limits.clips).toMatchObject(CLIPS_PLAN_LIMITS[plan]);
    }
  });

  it("counts a job submitted to the engine and a confirmed draft against one limit: together they pass it once", async () => {
    const { token, userId } = await t.signUp();
    await t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: 20, reason: 'test' } });
    const drafts = await Promise.all(Array.from({ length: 4 }, () => makeDraft(t, token)));
    const [confirms, submits] = await Promise.all([
      Promise.all(drafts.map((d) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, 'story') }))),
      Promise.allSettled(Array.from({ length: 4 }, () => submitJob(t.deps, { userId, app: 'clips', pipeline: 'clips.clips', input: {}, cost: 2 }))),
    ]);
    const admitted = confirms.filter((r) => r.status === 200).length + submits.filter((r) => r.status === 'fulfilled').length;
    expect(admitted).toBe(1);
    for (const r of confirms.filter((r) => r.status !== 200)) expect(r.body).toMatchObject({ code: 'CONCURRENCY_LIMIT' });
    for (const r of submits) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONCURRENCY_LIMIT', details: { limit: 1 } });
    expect((await t.deps.store.read((r) => r.users.get(userId)))!.credits).toBe(30 - 2);
  });

  it('a quick and a story confirmed together by a free user: the daily count and the running limit pass exactly one', async () => {
    const { token, userId } = await t.signUp();
    await t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: 20, reason: 'test' } });
    const drafts = await Promise.all(Array.from({ length: 6 }, () => makeDraft(t, token)));
    const results = await Promise.all(drafts.map((d, i) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, i % 2 ? 'quick' : 'story') })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
    const active = await t.deps.store.read((r) => r.jobs.countActive({ userId, app: 'clips' }));
    expect(active).toBe(1);
  });

  it('refuses a job of an app with no plan limits: no app can skip the running-jobs limit', async () => {
    const { userId } = await t.signUp();
    await expect(submitJob(t.deps, { userId, app: 'unlisted', pipeline: 't.noop', input: {} })).rejects.toThrow('No free plan limits for app unlisted');
    expect(await t.deps.store.read((r) => r.jobs.countActive({ userId }))).toBe(0);
  });

  it('a burst of admin debits never takes a balance below zero', async () => {
    const { userId } = await t.signUp();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => t.call('POST', '/v1/admin/credits', { token: t.env.ADMIN_API_KEY, body: { userId, amount: -1, reason: 'burst' } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 402)).toHaveLength(15);
    expect((await t.deps.store.read((r) => r.users.get(userId)))!.credits).toBe(0);
  });
});
