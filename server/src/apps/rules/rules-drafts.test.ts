import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../../testing/fixtures';
import { putUpload, s3User } from '../../testing/rules-flow';
import { TestClock } from '../../testing/test-clock';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

/**
 * Jobs made and not run: their photos are stored before anything is charged, so a plan holds only
 * so many (free 2, pro 5: CONCURRENCY_LIMIT past them), a day unrun cancels one, and the photos of
 * a job cancelled before it ran are deleted once its upload URLs have expired.
 */
let t: TestPlatform;
const clock = new TestClock();
beforeAll(async () => {
  t = await createTestPlatform({ clock });
});
afterAll(async () => t?.dispose());

const draft = (token: string, count = 1) => t.call('POST', '/s3/jobs', { token, body: { preset_id: 'marketplace-thumbnail', image_count: count } });
const waiting = async (token: string) => (await t.call('GET', '/s3/me', { token })).body.data.waiting_jobs;
/** The reconciler's next tick with its sweeps (they run once a minute). */
const sweep = async () => {
  clock.advance(61_000);
  await t.reconciler.tick();
};

describe('seed 003 jobs made and not yet run', () => {
  it('a free user holds 2 at most: the third is CONCURRENCY_LIMIT, and a cancel or an execute frees a slot', async () => {
    const { token } = await s3User(t);
    const first = await draft(token);
    const second = await draft(token);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await waiting(token)).toEqual({ count: 2, limit: 2 });

    const third = await draft(token);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 'CONCURRENCY_LIMIT', waiting: 2, limit: 2 });
    expect(third.body.error.message).toMatch(/2 of your jobs wait for their photos or to be run, the most on the free plan: execute or cancel one first/);

    expect((await t.call('POST', `/s3/jobs/${first.body.data.job.job_id}/cancel`, { token })).status).toBe(200);
    const again = await draft(token);
    expect(again.status).toBe(201);

    // Executed, a job waits no more (it counts among the running ones instead).
    const id = second.body.data.job.job_id;
    expect((await putUpload(t, second.body.data.uploads[0], await makeImage('image/jpeg', 1, 200))).status).toBe(200);
    expect((await t.call('POST', `/s3/jobs/${id}/confirm-upload`, { token })).status).toBe(200);
    expect((await t.call('POST', `/s3/jobs/${id}/execute`, { token })).status).toBe(200);
    expect((await waiting(token)).count).toBe(1);
    expect((await draft(token)).status).toBe(201);
  });

  it('two at once for the last slot: exactly one is made', async () => {
    const { token } = await s3User(t);
    expect((await draft(token)).status).toBe(201);
    const both = await Promise.all([draft(token), draft(token)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 429]);
    expect((await waiting(token)).count).toBe(2);
  });

  it('a job not run in 24 h is cancelled; a cancelled one loses its photos once its upload URLs expire, even a photo sent after the cancel', async () => {
    const { token } = await s3User(t);
    const old = await draft(token, 2);
    const oldId = old.body.data.job.job_id;
    const photo = await makeImage('image/jpeg', 2, 200);
    expect((await putUpload(t, old.body.data.uploads[0], photo)).status).toBe(200);
    const keyOf = async (id: string) => (await t.deps.store.read((r) => r.jobs.get(id)))!.input as { images: { key: string }[] };
    const oldKeys = (await keyOf(oldId)).images.map((i) => i.key);

    clock.advance(23 * 3600 * 1000);
    const fresh = await draft(token);
    const freshId = fresh.body.data.job.job_id;
    expect((await t.call('POST', `/s3/jobs/${freshId}/cancel`, { token })).status).toBe(200);
    // The cancelled job's URL still takes a photo until it expires: the sweep deletes it after.
    expect((await putUpload(t, fresh.body.data.uploads[0], photo)).status).toBe(200);
    const freshKey = (await keyOf(freshId)).images[0]!.key;
    await sweep();
    expect(await t.deps.storage.head(freshKey)).not.toBeNull();
    expect((await t.call('GET', `/s3/jobs/${oldId}`, { token })).body.data.status).toBe('created');

    // A day after it was made, the first is cancelled, nothing charged; half an hour on, both lose their photos.
    clock.advance(3600 * 1000);
    await sweep();
    const expired = (await t.call('GET', `/s3/jobs/${oldId}`, { token })).body.data;
    expect(expired).toMatchObject({ status: 'cancelled', credits: { charged: 0, refunded: 0 } });
    const history = (await t.deps.store.read((r) => r.jobs.get(oldId)))!.history;
    expect(history.at(-1)).toMatchObject({ status: 'cancelled', note: 'expired: not executed within 24 h' });
    expect(await t.deps.storage.head(oldKeys[0]!)).not.toBeNull();
    expect(await t.deps.storage.head(freshKey)).toBeNull();

    clock.advance(31 * 60 * 1000);
    await sweep();
    expect(await t.deps.storage.head(oldKeys[0]!)).toBeNull();
    expect((await t.deps.store.read((r) => r.jobs.get(oldId)))!.state).toMatchObject({ swept: true });
    expect(await waiting(token)).toEqual({ count: 0, limit: 2 });
  });

  it('a job uploaded and then cancelled shows its photos until the sweep deletes them, then no URL', async () => {
    const { token } = await s3User(t);
    const made = await draft(token);
    const id = made.body.data.job.job_id;
    expect((await putUpload(t, made.body.data.uploads[0], await makeImage('image/jpeg', 3, 200))).status).toBe(200);
    expect((await t.call('POST', `/s3/jobs/${id}/confirm-upload`, { token })).status).toBe(200);
    expect((await t.call('POST', `/s3/jobs/${id}/cancel`, { token })).status).toBe(200);
    const before = (await t.call('GET', `/s3/jobs/${id}`, { token })).body.data.items[0];
    expect((await t.app.request(before.input_url)).status).toBe(200);
    clock.advance(31 * 60 * 1000);
    await sweep();
    expect((await t.call('GET', `/s3/jobs/${id}`, { token })).body.data.items[0]).toMatchObject({ status: 'cancelled', input_url: null });
  });
});
