import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from './console-routes';

const dist = mkdtempSync(path.join(os.tmpdir(), 'mf-console-'));
afterAll(() => rmSync(dist, { recursive: true, force: true }));
mkdirSync(path.join(dist, 'assets'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(dist, 'assets', 'index-abc.js'), 'console.log(1)');

describe('console routes', () => {
  const app = consoleRoutes(['/', '/clips'], dist);

  it('serves the console page for each of its routes', async () => {
    for (const p of ['/', '/clips', '/jobs', '/jobs/job_123']) {
      const res = await app.request(p);
      expect(res.status, p).toBe(200);
      expect(await res.text()).toContain('id="root"');
    }
  });

  it('serves no page that neither the platform nor an app declares', async () => {
    expect((await app.request('/gallery')).status).toBe(404);
  });

  it('serves hashed assets as immutable, and nothing outside them', async () => {
    const res = await app.request('/assets/index-abc.js');
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/assets/..%2Findex.html')).status).toBe(404);
  });

  it('falls back to the placeholder page when the console is not built', async () => {
    const res = await consoleRoutes(['/'], path.join(dist, 'nope')).request('/');
    expect(await res.text()).toContain('/docs');
  });
});
