import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../../core/errors/app-error';
import { errorResponse } from '../errors';
import type { AppEnv } from '../app-env';
import type { Platform } from '../platform';

/**
 * `GET /metrics`: Prometheus text exposition (prom-client's content type) for the operators'
 * scraper. An operations endpoint, not part of the API: left out of the OpenAPI document.
 * With METRICS_TOKEN set, it answers only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise);
 * without it, anyone who reaches the port reads it: keep it off the public port then (README).
 */
export function metricsRoutes(platform: Pick<Platform, 'metrics' | 'metricsToken'>) {
  const r = new Hono<AppEnv>();
  r.get('/metrics', async (c) => {
    if (platform.metricsToken !== undefined && !bearerMatches(c.req.header('authorization'), platform.metricsToken)) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthorized', 'AUTH_REQUIRED', 'Authorization: Bearer <METRICS_TOKEN> is required');
    }
    const body = await platform.metrics.render();
    return c.body(body, 200, { 'content-type': platform.metrics.contentType, 'cache-control': 'no-store' });
  });
  return r;
}

/**
 * `/metrics` alone, for a `worker` process that serves no API (METRICS_PORT): the same answers,
 * a refusal as the API gives it, 404 for anything else.
 */
export function metricsApp(platform: Pick<Platform, 'metrics' | 'metricsToken'>) {
  const app = new Hono<AppEnv>().route('/', metricsRoutes(platform));
  app.onError((err, c) => (err instanceof AppError ? errorResponse(c, err) : c.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500)));
  return app;
}

/** Whether the header is `Bearer <token>` with this token, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header?.match(/^bearer\s+(\S+)\s*$/i);
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
