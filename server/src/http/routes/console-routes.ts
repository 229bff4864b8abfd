import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { homeRoutes } from './home-routes';

const DIST = fileURLToPath(new URL('../../../../console/dist', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The console's own pages, whatever apps are mounted (the admin page draws itself for admins only). */
const PLATFORM_PAGES = ['/jobs', '/jobs/:id', '/admin'];

/**
 * The web console: its built bundle from console/dist, index.html for each of its pages (the
 * platform's and each app's `consolePaths`). Without a build (a checkout where `npm run build`
 * has not run) `/` is the placeholder page.
 */
export function consoleRoutes(appPages: readonly string[], dist = DIST) {
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) return homeRoutes();
  const r = new Hono();
  const page = async () => readFile(index, 'utf8');
  for (const route of new Set([...PLATFORM_PAGES, ...appPages])) {
    r.get(route, async (c) => c.html(await page(), 200, { 'cache-control': 'no-cache' }));
  }
  r.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = TYPES[path.extname(file)];
    if (!type || file.includes('..') || file.includes('/')) return c.json({ error: { code: 'NOT_FOUND', message: 'No such asset' } }, 404);
    try {
      // Asset names carry a content hash: they never change, so browsers may keep them.
      return c.body(await readFile(path.join(dist, 'assets', file)), 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
    } catch (err) {
      // Only a missing file is the request's fault; any other failure is ours (500, logged).
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      return c.json({ error: { code: 'NOT_FOUND', message: 'No such asset' } }, 404);
    }
  });
  return r;
}
