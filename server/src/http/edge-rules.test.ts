import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { submitJob } from '../services/jobs/submit-job';
import { confirmBody, makeDraft } from '../testing/clips-flow';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => r.register({ id: 't.noop', app: 'test', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), run: async () => ({ output: 1 }) }] }),
  });
});
afterAll(async () => t?.dispose());

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
// NUL, a lone high and a lone low surrogate (as UTF-8 would have carried them: invalid, so left undecoded), an id far too long to exist.
const BAD_PATH_IDS = ['%00', 'job%00x', '%ED%A0%BD', '%ff', 'x'.repeat(100)];
const BAD_TEXTS = ['\u0000', 'a\u0000b', 'abc\ud83d', '\udc00abc', 'x\ud83d\ud83dy'];

describe('one text rule at the edge (issue 7, section 4)', () => {
  it('answers 404 for an id in a path that cannot exist, in every route and each mount’s shape', async () => {
    const me = await t.signUp();
    for (const id of BAD_PATH_IDS) {
      for (const [method, url] of [['GET', `/v1/jobs/${id}`], ['POST', `/v1/jobs/${id}/cancel`], ['GET', `/v1/jobs/${id}/events`]] as const) {
        const res = await t.call(method, url, { token: me.token });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(typeof res.body.error.code).toBe('string');
      }
      const api = await t.call('GET', `/api/jobs/${id}`, { token: me.token });
      expect(api.status, id).toBe(404);
      expect(api.body).toMatchObject({ error: expect.any(String), code: expect.any(String) });
      const patch = await t.call('PATCH', `/v1/admin/users/${id}`, { token: TEST_ADMIN_KEY, body: { plan: 'pro' } });
      expect(patch.status, id).toBe(404);
    }
  });

  it('answers 400 naming the field for NUL or broken Unicode in a body or a query', async () => {
    const me = await t.signUp();
    for (const text of BAD_TEXTS) {
      const grant = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: 1, reason: text } });
      expect(grant.status).toBe(400);
      expect(grant.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^reason /) });
      const who = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: text, amount: 1, reason: 'fuzz' } });
      expect(who.body.error.message).toMatch(/^userId /);
      const presign = await t.call('POST', '/api/upload/presign', { token: me.token, body: { userId: text, mime: 'image/png', size: 10 } });
      expect(presign.status).toBe(400);
      expect(presign.body).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringMatching(/^userId /) });
      const draft = await t.call('POST', '/api/jobs/draft', { token: me.token, body: { photoUrls: [`http://mediaforge.test/${text}`] } });
      expect(draft.body).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringMatching(/^photoUrls\.0 /) });
    }
    for (const q of ['userId=%00', 'userId=a%00b', 'app=%00', 'cursor=%00']) {
      const res = await t.call('GET', `/v1/admin/jobs?${q}`, { token: TEST_ADMIN_KEY });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
    expect((await t.call('GET', '/v1/jobs?app=%00', { token: me.token })).status).toBe(400);
  });

  it('refuses half an emoji in rewriteRawText before anything is charged; the draft confirms afterwards with whole text', async () => {
    const me = await t.signUp();
    const draftJobId = await makeDraft(t, me.token);
    for (const text of ['abc\ud83d', '\ud83dabc', 'a\u0000b']) {
      const res = await t.call('POST', '/api/jobs/confirm', { token: me.token, body: confirmBody(draftJobId, 'story', { rewriteEnabled: true, rewriteRawText: text }) });
      expect(res.status, JSON.stringify(text)).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringMatching(/^rewriteRawText /) });
    }
    expect((await t.call('GET', '/v1/me', { token: me.token })).body.credits).toBe(10);
    const ok = await t.call('POST', '/api/jobs/confirm', { token: me.token, body: confirmBody(draftJobId, 'story', { rewriteEnabled: true, rewriteRawText: 'abc😀 👨\u200d👩\u200d👧' }) });
    expect(ok.status).toBe(200);
  });

  it('answers 400 INVALID_CURSOR for a cursor that decodes to a year the database refuses, or a broken id', async () => {
    const me = await t.signUp();
    const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.noop', input: {} });
    await t.waitForJob(job.id, ['completed']);
    const cursors = [
      '-005000-01-01T00:00:00.000Z|x', '+275760-09-13T00:00:00.000Z|x', '+010000-01-01T00:00:00.000Z|x', '1969-12-31T23:59:59.999Z|x', '99999|x', '0|x',
      `2020-01-01T00:00:00.000Z|\u0000`, `2020-01-01T00:00:00.000Z|a\u0000b`, `2020-01-01T00:00:00.000Z|${'x'.repeat(101)}`, '2020-01-01T00:00:00.000Z|x|y',
    ].map(b64);
    for (const cursor of cursors) {
      for (const url of [`/v1/jobs?cursor=${cursor}`, `/v1/admin/jobs?cursor=${cursor}`]) {
        const res = await t.call('GET', url, { token: url.startsWith('/v1/admin') ? TEST_ADMIN_KEY : me.token });
        expect(res.status, Buffer.from(cursor, 'base64url').toString()).toBe(400);
        expect(res.body.error.code).toBe('INVALID_CURSOR');
      }
    }
    // A cursor of a real page still works.
    const later = b64(`${new Date(Date.now() + 60_000).toISOString()}|zzz`);
    expect((await t.call('GET', `/v1/jobs?cursor=${later}`, { token: me.token })).body.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
  });
});

describe('one contract per mount (issue 7, section 6)', () => {
  it('answers 404 for no route, 413 for a body over the limit and 500 in the mount’s shape', async () => {
    const me = await t.signUp();
    for (const path of ['/api/nope', '/api/jobs/x/y', '/api']) {
      const res = await t.call('GET', path, { token: me.token });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ error: expect.stringContaining('No route'), code: 'NOT_FOUND' });
    }
    expect((await t.call('DELETE', '/api/jobs/draft', { token: me.token })).body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.call('GET', '/v1/nope')).body).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const big = JSON.stringify({ mime: 'image/png', size: 1, pad: 'x'.repeat(300 * 1024) });
    const api = await t.call('POST', '/api/upload/presign', { token: me.token, body: big });
    expect(api.status).toBe(413);
    expect(api.body).toMatchObject({ error: expect.stringContaining('larger than'), code: 'PAYLOAD_TOO_LARGE' });
    // The rest of the body is never read: the connection is closed, and the answer says so.
    expect(api.headers.get('connection')).toBe('close');
    const v1 = await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: big });
    expect(v1.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

    const spy = vi.spyOn(t.platform.jobDetails, 'get').mockRejectedValue(new Error('boom'));
    try {
      const flat = await t.call('GET', '/api/jobs/anything', { token: me.token });
      expect(flat.status).toBe(500);
      expect(flat.body).toMatchObject({ error: 'Internal error', code: 'INTERNAL_ERROR', requestId: expect.any(String) });
      const nested = await t.call('GET', '/v1/jobs/anything', { token: me.token });
      expect(nested.status).toBe(500);
      expect(nested.body).toMatchObject({ error: { code: 'INTERNAL_ERROR', message: 'Internal error', requestId: expect.any(String) } });
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 415 for a body that is not JSON, saying to send application/json; a bare POST needs no type', async () => {
    const me = await t.signUp();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json']) {
      const api = await t.call('POST', '/api/upload/presign', { token: me.token, body: '{"mime":"image/png","size":10}', headers: { 'content-type': type } });
      expect(api.status, type).toBe(415);
      expect(api.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', error: expect.stringContaining('Content-Type: application/json') });
      const v1 = await t.call('PATCH', `/v1/admin/users/${me.userId}`, { token: TEST_ADMIN_KEY, body: '{"plan":"pro"}', headers: { 'content-type': type } });
      expect(v1.status, type).toBe(415);
      expect(v1.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // A body with a length and no type at all (Node's server gives it no default).
    const untyped = await t.app.request('/api/upload/presign', { method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-length': '2' }, body: '{}' });
    expect(untyped.status).toBe(415);
    expect((await t.call('POST', '/api/upload/presign', { token: me.token, body: { mime: 'image/png', size: 10 }, headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(200);
    expect((await t.app.request('/v1/auth/anon', { method: 'POST' })).status).toBe(201);
    expect((await t.app.request('/v1/auth/anon', { method: 'POST', headers: { 'content-length': '0' } })).status).toBe(201);
  });

  it('takes a JSON number where a number is declared, and strictly decimal integers in a query', async () => {
    const me = await t.signUp();
    for (const size of [true, '0x10', '16', '1e1', null, [16], { size: 16 }]) {
      const res = await t.call('POST', '/api/upload/presign', { token: me.token, body: { mime: 'image/png', size } });
      expect(res.status, JSON.stringify(size)).toBe(400);
      expect(res.body).toMatchObject({ error: 'size invalid (<=10MB)', code: 'INVALID_REQUEST' });
    }
    expect((await t.call('POST', '/api/upload/presign', { token: me.token, body: { mime: 'image/png', size: 16 } })).status).toBe(200);
    expect((await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId: me.userId, amount: '5', reason: 'x' } })).status).toBe(400);
    for (const limit of ['0x10', '1e1', '+5', '%205', '5.0', '-1', '0', '101', '99999999999999999999', '']) {
      const res = await t.call('GET', `/v1/jobs?limit=${limit}`, { token: me.token });
      expect(res.status, limit).toBe(400);
      expect(res.body.error.message).toMatch(/^limit: /);
    }
    for (const before of ['0x10', '1e3', '-1']) expect((await t.call('GET', `/v1/credits?before=${before}`, { token: me.token })).status, before).toBe(400);
    expect((await t.call('GET', '/v1/jobs?limit=007', { token: me.token })).status).toBe(200);
    expect((await t.call('GET', '/v1/credits?limit=5&before=9007199254740991', { token: me.token })).status).toBe(200);
  });
});
