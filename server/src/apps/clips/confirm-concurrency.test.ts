import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { createTestPlatform, serverMode, type TestPlatform } from '../../testing/test-platform';

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
