import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';

let t: TestPlatform;
let base: string;
let close: () => void;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
  // Served by Node, as in production: the header takes another path there than under app.request().
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      close = () => server.close();
      resolve();
    });
  });
});
afterAll(async () => {
  close?.();
  await t?.dispose();
});

describe('x-request-id', () => {
  it('is on every response served by Node: success, error and JSON job reads', async () => {
    const { token } = await t.signUp();
    const ok = await fetch(`${base}/healthz`);
    const denied = await fetch(`${base}/api/jobs/job_x`);
    const missing = await fetch(`${base}/api/jobs/job_x`, { headers: { authorization: `Bearer ${token}` } });
    expect([ok.status, denied.status, missing.status]).toEqual([200, 401, 404]);
    const ids = [ok, denied, missing].map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect(new Set(ids).size).toBe(3);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await denied.json()).toMatchObject({ error: expect.any(String) });
  });

  it('echoes the caller’s own id, cut to 100 characters, under Node and under app.request()', async () => {
    const served = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(served.headers.get('x-request-id')).toBe('trace-123');
    const long = 'a'.repeat(150);
    const inProcess = await t.app.request('/healthz', { headers: { 'x-request-id': long } });
    expect(inProcess.headers.get('x-request-id')).toBe('a'.repeat(100));
  });
});
