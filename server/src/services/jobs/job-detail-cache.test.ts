import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventBus } from '../../adapters/events/redis-event-bus';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { freePort } from '../../testing/free-port';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { JobDetailCache } from './job-detail-cache';
import { publishJob } from './job-events';
import { mustMoveJob } from './move-job';

/**
 * Reading a job needs only the database: with the event bus on a Redis that does not answer (a
 * port nobody listens on), an accepted job reads 200 on both mounts and its reads are never stale.
 */
describe('job details while the event bus is down', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    const port = await freePort();
    const events = new RedisEventBus(`redis://127.0.0.1:${port}`, 'mf-test-dead:events:');
    t = await createTestPlatform({ overrides: { events } });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('answers 200 on /api and /v1 and shows each change', async () => {
    const { token } = await t.signUp();
    const draft = await makeDraft(t, token);
    const before = await t.call('GET', `/v1/jobs/${draft}`, { token });
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('draft');

    const confirm = await t.call('POST', '/api/jobs/confirm', { token, body: confirmBody(draft, 'quick') });
    expect(confirm.status).toBe(200);
    // Read at once: without evictions, an entry cached from before would still say "draft".
    const v1 = await t.call('GET', `/v1/jobs/${draft}`, { token });
    expect(v1.status).toBe(200);
    expect(v1.body.status).not.toBe('draft');
    expect((await t.call('GET', `/api/jobs/${draft}`, { token })).status).toBe(200);

    await t.waitForJob(draft, ['completed', 'failed']);
    const done = await t.call('GET', `/v1/jobs/${draft}`, { token });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    const api = await t.call('GET', `/api/jobs/${draft}`, { token });
    expect(api.status).toBe(200);
    expect(api.body.status).toBe('completed');
  });
});

describe('the job detail cache', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform({ startWorker: false });
  });
  afterAll(async () => p?.dispose());

  /** A clock the test moves by hand, and a store whose job reads are counted. */
  function setup(opts: ConstructorParameters<typeof JobDetailCache>[1] = {}) {
    let ms = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => new Date(ms) };
    const reads = { jobs: 0 };
    const store = p.deps.store;
    const counted = {
      ...store,
      read: <T>(fn: Parameters<typeof store.read<T>>[0]) =>
        store.read((r) => fn({ ...r, jobs: { ...r.jobs, get: (id: string) => (reads.jobs++, r.jobs.get(id)) } })),
    } as typeof store;
    const cache = new JobDetailCache({ ...p.deps, store: counted, clock }, opts);
    return { cache, reads, advance: (by: number) => void (ms += by) };
  }

  /** Until the bus confirms the subscription nothing is cached: wait for it. */
  async function live(cache: JobDetailCache, jobId: string) {
    await cache.get(jobId);
    for (let i = 0; i < 100 && cache.size === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      await cache.get(jobId);
    }
    expect(cache.size).toBe(1);
  }

  it('keeps an active job for its TTL, concurrent reads sharing one load, and drops it on the job\'s event', async () => {
    const { token } = await p.signUp();
    const jobId = await makeDraft(p, token);
    const { cache, reads, advance } = setup({ activeTtlMs: 2000 });
    await live(cache, jobId);
    const before = reads.jobs;
    const details = await Promise.all(Array.from({ length: 5 }, () => cache.get(jobId)));
    expect(details.every((d) => d?.job.id === jobId)).toBe(true);
    expect(reads.jobs).toBe(before);
    advance(2001);
    await Promise.all(Array.from({ length: 5 }, () => cache.get(jobId)));
    expect(reads.jobs).toBe(before + 1);

    const job = (await p.deps.store.read((r) => r.jobs.get(jobId)))!;
    await publishJob(p.deps, job);
    for (let i = 0; i < 100 && cache.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cache.size).toBe(0);
    await cache.get(jobId);
    expect(reads.jobs).toBe(before + 2);
    await cache.stop();
  });

  it('keeps a finished job longer, and at most `maxEntries` jobs', async () => {
    const { token } = await p.signUp();
    const ids = await Promise.all(Array.from({ length: 3 }, () => makeDraft(p, token)));
    await p.deps.store.tx(async (r) => {
      for (const id of ids) await mustMoveJob(r, (await r.jobs.get(id))!, 'cancelled', {}, { now: p.deps.clock.now() });
    });
    const { cache, reads, advance } = setup({ maxEntries: 2, activeTtlMs: 2000, terminalTtlMs: 60_000 });
    await live(cache, ids[0]!);
    const before = reads.jobs;
    advance(59_000);
    await cache.get(ids[0]!);
    expect(reads.jobs).toBe(before);
    for (const id of ids) await cache.get(id);
    expect(cache.size).toBe(2);
    await cache.get(ids[0]!);
    expect(reads.jobs).toBe(before + 3);
    await cache.stop();
  });
});
