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

  it('8 parallel story confirms with 10 credits give exactly 5, and the balance ends at 0', async () => {
    const { token, userId } = await t.signUp();
    const drafts = await Promise.all(Array.from({ length: 8 }, () => makeDraft(t, token)));
    const results = await Promise.all(drafts.map((d) => t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(d, 'story') })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 402);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body).toMatchObject({ error: 'Not enough credits', needed: 2, balance: 0 });
    const balance = await t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
    expect(balance).toBe(0);
    // The ledger explains the balance exactly: one grant, five charges.
    const entries = await t.deps.store.read((r) => r.ledger.listForUser(userId, 100));
    expect(entries.reduce((a, e) => a + e.amount, 0)).toBe(0);
    expect(entries.filter((e) => e.kind === 'charge')).toHaveLength(5);
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
