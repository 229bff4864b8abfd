import { Hono } from 'hono';
import type { Platform } from '../platform';

const CHECK_TIMEOUT_MS = 2000;

const withTimeout = (p: Promise<void>) =>
  Promise.race([p, new Promise<void>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref())]);

/** /healthz: the process answers. /readyz: the database, queue and storage answer too. */
export function healthRoutes(platform: Platform) {
  const r = new Hono();
  r.get('/healthz', (c) => c.json({ status: 'ok' }));
  r.get('/readyz', async (c) => {
    const entries = Object.entries(platform.readiness);
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        try {
          await withTimeout(check());
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, `down: ${err instanceof Error ? err.message : String(err)}`] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });
  return r;
}
