import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { MetricsEndpoint } from '../../core/ports/metrics';
import type { AppEnv } from '../app-env';

/**
 * Times every request and reports it by method, the pattern of the route that answered
 * (`/v1/jobs/:id`, never the path with its ids: one series per route, not per job) and status.
 * A request no route answered (the app's not-found handler marks it, whichever middlewares it passed) is `unmatched`.
 * First in the chain, so that everything after it (body checks, auth, errors) is in the time.
 */
export const requestMetrics = (metrics: Pick<MetricsEndpoint, 'requestServed'>): MiddlewareHandler<AppEnv> => async (c, next) => {
  const started = performance.now();
  await next();
  // After next(), the route index is the last handler the request reached: the one that answered.
  const route = matchedRoutes(c)[c.req.routeIndex];
  const status = c.res.status;
  const pattern = !route || c.get('unmatched') ? 'unmatched' : route.path;
  metrics.requestServed({ method: c.req.method, route: pattern, status, seconds: (performance.now() - started) / 1000 });
};
