import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { RuleOperations } from './rule-operations';
import { PRESETS } from './rules-presets';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

/** Seed 003's envelope: success with data, or an error with a code and a message; meta always. */
function expectEnvelope(body: any, success: boolean, requestId?: string) {
  expect(Object.keys(body).sort()).toEqual(['data', 'error', 'meta', 'success']);
  expect(body.success).toBe(success);
  if (success) expect(body.error).toBeNull();
  else {
    expect(body.data).toBeNull();
    expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  }
  expect(body.meta).toEqual({ request_id: requestId ?? expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
}

describe('seed 003 under /s3: the envelope on every answer', () => {
  it('signs up anonymously and reports the user: credits, plan, rule slots, running jobs', async () => {
    const anon = await t.call('POST', '/s3/auth/anon', { headers: { 'x-request-id': 'req-abc' } });
    expect(anon.status).toBe(201);
    expectEnvelope(anon.body, true, 'req-abc');
    expect(anon.body.data).toMatchObject({ token: expect.any(String), user_id: expect.any(String), plan: 'free', credits: 10 });
    const me = await t.call('GET', '/s3/me', { token: anon.body.data.token });
    expectEnvelope(me.body, true);
    expect(me.body.data).toEqual({
      user_id: anon.body.data.user_id, plan: 'free', credits: 10, rule_slots: { used: 0, limit: 2 }, running_jobs: { count: 0, limit: 1 }, waiting_jobs: { count: 0, limit: 2 }, max_images_per_job: 10,
    });
    // The same users as the platform's: the token works on /v1 too.
    expect((await t.call('GET', '/v1/me', { token: anon.body.data.token })).body.id).toBe(anon.body.data.user_id);
  });

  it('lists the domain presets, each a valid rule template, and finds one by id', async () => {
    const { token } = await t.signUp();
    const list = await t.call('GET', '/s3/presets', { token });
    expectEnvelope(list.body, true);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual(['product-white', 'real-estate', 'food', 'profile-portrait', 'marketplace-thumbnail']);
    for (const p of PRESETS) expect(RuleOperations.safeParse(p.operations).success, p.id).toBe(true);
    const one = await t.call('GET', '/s3/presets/food', { token });
    expect(one.body.data).toMatchObject({ id: 'food', name: '음식 사진', operations: expect.arrayContaining([{ op: 'saturation', value: 15 }]) });
    const none = await t.call('GET', '/s3/presets/cats', { token });
    expect(none.status).toBe(404);
    expectEnvelope(none.body, false);
    expect(none.body.error.code).toBe('NOT_FOUND');
  });

  it('answers errors and unknown paths in the envelope with the seed’s codes only', async () => {
    const noToken = await t.call('GET', '/s3/me');
    expect(noToken.status).toBe(401);
    expectEnvelope(noToken.body, false);
    expect(noToken.body.error).toMatchObject({ code: 'AUTH_REQUIRED', message: 'Authorization: Bearer <token> is required; get one from POST /s3/auth/anon' });
    const badToken = await t.call('GET', '/s3/me', { token: 'not-a-jwt' });
    expect(badToken.status).toBe(401);
    expect(badToken.body.error.code).toBe('AUTH_INVALID');
    const unknown = await t.call('GET', '/s3/nothing-here');
    expect(unknown.status).toBe(404);
    expectEnvelope(unknown.body, false);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'No route for GET /s3/nothing-here' });
    // A body that is not JSON: the platform's 415 becomes the seed's INVALID_REQUEST, its words kept.
    const { token } = await t.signUp();
    const res = await t.app.request('/s3/auth/anon', { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` }, body: 'hello' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expectEnvelope(body, false);
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.message).toContain('Content-Type: application/json');
  });

  it('publishes the operation vocabulary and refuses a bad operation with the field named', () => {
    const bad = RuleOperations.safeParse([{ op: 'resize' }, { op: 'glow' }, { op: 'brightness', value: 300 }]);
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('resize needs width or height'), expect.stringContaining('op must be one of auto_orient'), expect.stringContaining('value must be from -100 to 100')]));
  });
});
