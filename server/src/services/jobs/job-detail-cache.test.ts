import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventBus } from '../../adapters/events/redis-event-bus';
import { confirmBody, makeDraft } from '../../testing/clips-flow';
import { freePort } from '../../testing/free-port';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

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
