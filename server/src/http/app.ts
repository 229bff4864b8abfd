import { randomUUID } from 'node:crypto';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../core/errors/app-error';
import { newRouter } from './app-env';
import { errorResponse } from './errors';
import { mountFor, PLATFORM_MOUNTS } from './mounts';
import type { Platform } from './platform';
import { docsRoutes } from './routes/docs-routes';
import { healthRoutes } from './routes/health-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { requestMetrics } from './middleware/request-metrics';
import { consoleRoutes } from './routes/console-routes';
import { adminRoutes } from './routes/platform/admin-routes';
import { authRoutes } from './routes/platform/auth-routes';
import { creditsRoutes } from './routes/platform/credits-routes';
import { jobsRoutes } from './routes/platform/jobs-routes';
import { webhookRoutes } from './routes/platform/webhook-routes';

/** JSON bodies are small; uploads go to their own signed route with its own limit. */
export const JSON_BODY_LIMIT = 256 * 1024;

export function createApp(platform: Platform) {
  const app = newRouter();
  const log = platform.deps.log;

  // A process prefix and a counter: unique enough to find a request in the logs, and cheap.
  const processTag = randomUUID().slice(0, 8);
  let requests = 0;
  const mounts = [...PLATFORM_MOUNTS, ...platform.apps.flatMap((a) => a.mounts)];
  app.use('*', requestMetrics(platform.metrics));
  // Not async: it has nothing to do after the route, and every request passes through it.
  app.use('*', (c, next) => {
    c.set('mount', mountFor(mounts, c.req.path));
    const id = c.req.header('x-request-id')?.slice(0, 100) ?? `${processTag}-${(++requests).toString(36)}`;
    c.set('requestId', id);
    // Onto Node's response when there is one: a header set through Hono makes every response build a Headers object.
    const outgoing = c.env?.outgoing;
    if (outgoing) outgoing.setHeader('x-request-id', id);
    else c.header('x-request-id', id);
    return next();
  });
  // Only requests that carry a body pay for the checks, registered for those methods alone so that a
  // GET does not even pass through them. Malformed JSON needs no check of its own: the route's
  // validator refuses it with a 400.
  const limit = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: (c) => errorResponse(c, tooLarge()) });
  for (const { prefix, uploads = [] } of mounts) {
    const uploadLimits = new Map(uploads.map((u) => [u.path, bodyLimit({ maxSize: u.maxBytes, onError: (c) => errorResponse(c, uploadTooLarge(u.maxBytes)) })]));
    app.on(BODY_METHODS, `${prefix}*`, (c, next) => {
      const uploadLimit = uploadLimits.get(c.req.path);
      if (uploadLimit) {
        if (!isMultipart(c.req.header('content-type'))) throw notMultipart(c.req.header('content-type'));
        return uploadLimit(c, next);
      }
      if (carriesBody(c.req.raw.headers) && !isJsonType(c.req.header('content-type'))) throw notJson(c.req.header('content-type'));
      return limit(c, next);
    });
  }

  app.onError((err, c) => {
    if (err instanceof AppError && err.kind !== 'internal') return errorResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      return errorResponse(c, new AppError('invalid', 'INVALID_REQUEST', err.message || 'Invalid request'));
    }
    log.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return errorResponse(c, new AppError('internal', 'INTERNAL_ERROR', 'Internal error', { requestId: c.get('requestId') }, undefined, { cause: err }));
  });
  app.notFound((c) => {
    c.set('unmatched', true);
    return errorResponse(c, new AppError('not_found', 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`));
  });

  app.route('/', healthRoutes(platform));
  app.route('/', metricsRoutes(platform));
  app.route('/', authRoutes(platform));
  app.route('/', jobsRoutes(platform));
  app.route('/', creditsRoutes(platform));
  if (platform.adminApiKey) app.route('/', adminRoutes(platform));
  app.route('/', webhookRoutes(platform));
  for (const appModule of platform.apps) app.route('/', appModule.routes(platform));
  for (const mount of platform.mounts) app.route('/', mount);
  app.route('/', docsRoutes());
  app.route('/', consoleRoutes(platform.apps.flatMap((a) => a.consolePaths)));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', OPENAPI_CONFIG);
  return app;
}

export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: { title: 'mediaforge', version: '0.1.0', description: 'Self-hostable platform for generative-media apps.' },
  // Relative: the document is served by the API it describes, wherever that is deployed.
  servers: [{ url: '/', description: 'The server that serves this document' }],
};

const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Whether a request has a body by its headers: a non-zero Content-Length, chunked encoding, or (as
 * `fetch` sends a string body) a Content-Type without a length. A bare POST has none of them.
 */
function carriesBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  if (length !== null) return length.trim() !== '0';
  return headers.has('transfer-encoding') || headers.has('content-type');
}

// Hono's validator reads only these as JSON: `application/json` or `application/<x>+json`.
const isJsonType = (value: string | undefined) => value !== undefined && /^application\/([\w.-]+\+)?json$/i.test(value.split(';')[0]!.trim());

const notJson = (sent: string | undefined) =>
  new AppError('unsupported_media', 'UNSUPPORTED_MEDIA_TYPE', `Send the body as JSON with the header Content-Type: application/json (got ${sent === undefined ? 'no Content-Type' : JSON.stringify(sent)})`);

const tooLarge = () => new AppError('too_large', 'PAYLOAD_TOO_LARGE', `Request body is larger than ${JSON_BODY_LIMIT} bytes`);

const uploadTooLarge = (max: number) =>
  new AppError('too_large', 'PAYLOAD_TOO_LARGE', `The upload is larger than ${Math.floor(max / 1024 / 1024)} MB in all; send a smaller file`);

const isMultipart = (value: string | undefined) => value !== undefined && value.split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';

const notMultipart = (sent: string | undefined) =>
  new AppError('unsupported_media', 'UNSUPPORTED_MEDIA_TYPE', `Send the upload as multipart/form-data with the file in the field \`file\` (got ${sent === undefined ? 'no Content-Type' : JSON.stringify(sent)})`);
