import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

const OPS = [{ op: 'auto_orient' }, { op: 'resize', width: 1200 }, { op: 'sharpen' }, { op: 'watermark_text', text: '© 가게' }];

async function s3User() {
  const res = await t.call('POST', '/s3/auth/anon');
  return { token: res.body.data.token as string, userId: res.body.data.user_id as string };
}

describe('seed 003 rules: saved, listed, changed and deleted by their owner only', () => {
  it('saves a rule with its operations, defaults filled, and lists, changes and deletes it', async () => {
    const { token } = await s3User();
    const saved = await t.call('POST', '/s3/rules', { token, body: { name: '스토어 기본', operations: OPS } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.data).toMatchObject({
      id: expect.stringMatching(/^rec_/), name: '스토어 기본',
      operations: [{ op: 'auto_orient' }, { op: 'resize', width: 1200, fit: 'inside' }, { op: 'sharpen', sigma: 1 }, { op: 'watermark_text', text: '© 가게', position: 'bottom-right', opacity: 0.5, size: 32 }],
    });
    const id = saved.body.data.id;
    expect((await t.call('GET', '/s3/rules', { token })).body.data.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await t.call('GET', '/s3/me', { token })).body.data.rule_slots).toEqual({ used: 1, limit: 2 });

    const renamed = await t.call('PUT', `/s3/rules/${id}`, { token, body: { name: '스토어 v2' } });
    expect(renamed.body.data).toMatchObject({ id, name: '스토어 v2', operations: saved.body.data.operations });
    const reops = await t.call('PUT', `/s3/rules/${id}`, { token, body: { operations: [{ op: 'output', format: 'webp' }] } });
    expect(reops.body.data.operations).toEqual([{ op: 'output', format: 'webp', quality: 85 }]);
    expect((await t.call('PUT', `/s3/rules/${id}`, { token, body: {} })).body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('send name, operations or both') });

    const deleted = await t.call('DELETE', `/s3/rules/${id}`, { token });
    expect(deleted.body).toMatchObject({ success: true, data: { id, deleted: true } });
    expect((await t.call('DELETE', `/s3/rules/${id}`, { token })).status).toBe(404);
    expect((await t.call('GET', '/s3/rules', { token })).body.data).toEqual([]);
  });

  it('refuses a bad rule with INVALID_REQUEST naming the field', async () => {
    const { token } = await s3User();
    for (const [body, words] of [
      [{ name: '', operations: OPS }, 'name is required'],
      [{ operations: OPS }, 'name is required'],
      [{ name: 7, operations: OPS }, 'name must be a string'],
      [{ name: 'x', operations: [] }, 'operations needs at least one operation'],
      [{ name: 'x', operations: [{ op: 'glow' }] }, 'op must be one of'],
      [{ name: 'x', operations: [{ op: 'brightness', value: 500 }] }, 'value must be from -100 to 100'],
      [{ name: 'x', operations: [{ op: 'resize', fit: 'cover' }] }, 'resize needs width or height'],
      [{ name: 'x', operations: [{ op: 'crop_ratio', ratio: '0:1' }] }, 'ratio must look like 4:3'],
      [{ name: 'x', operations: OPS, owner: 'me' }, 'owner'],
    ] as const) {
      const res = await t.call('POST', '/s3/rules', { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, data: null, error: { code: 'INVALID_REQUEST' } });
      expect(res.body.error.message).toContain(words);
    }
    // A job's photo count: missing is required, sent as text is the wrong type (not "required").
    for (const [body, words] of [
      [{ preset_id: 'food' }, 'image_count is required: how many photos'],
      [{ preset_id: 'food', image_count: '3' }, 'image_count must be a number'],
    ] as const) {
      const res = await t.call('POST', '/s3/jobs', { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toContain(words);
    }
  });

  it('keeps another user’s rule out of reach: NOT_FOUND, never FORBIDDEN', async () => {
    const a = await s3User();
    const b = await s3User();
    const { id } = (await t.call('POST', '/s3/rules', { token: a.token, body: { name: 'mine', operations: OPS } })).body.data;
    const nobody = (await t.call('DELETE', '/s3/rules/rec_nobody', { token: b.token })).body.error.message;
    for (const res of [await t.call('PUT', `/s3/rules/${id}`, { token: b.token, body: { name: 'theirs' } }), await t.call('DELETE', `/s3/rules/${id}`, { token: b.token })]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      // In the words of a rule that does not exist: nothing tells that this one does.
      expect(res.body.error.message).toBe(nobody.replace('rec_nobody', id));
    }
    expect((await t.call('GET', '/s3/rules', { token: b.token })).body.data).toEqual([]);
    expect((await t.call('GET', '/s3/rules', { token: a.token })).body.data[0].name).toBe('mine');
  });

  it('holds the plan’s rule slots under concurrency: free 2 of 6 saved at once, pro 20', async () => {
    const { token, userId } = await s3User();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => t.call('POST', '/s3/rules', { token, body: { name: `r${i}`, operations: OPS } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 403, 403, 403, 403]);
    const full = results.find((r) => r.status === 403)!;
    expect(full.body.error).toMatchObject({ code: 'RULE_SLOT_FULL', limit: 2, used: 2 });
    expect((await t.call('GET', '/s3/rules', { token })).body.data).toHaveLength(2);

    expect((await t.call('PATCH', `/v1/admin/users/${userId}`, { token: TEST_ADMIN_KEY, body: { plan: 'pro' } })).status).toBe(200);
    for (let i = 2; i < 20; i++) expect((await t.call('POST', '/s3/rules', { token, body: { name: `p${i}`, operations: OPS } })).status).toBe(201);
    expect((await t.call('POST', '/s3/rules', { token, body: { name: 'p20', operations: OPS } })).body.error.code).toBe('RULE_SLOT_FULL');
    expect((await t.call('GET', '/s3/me', { token })).body.data.rule_slots).toEqual({ used: 20, limit: 20 });
  });
});
