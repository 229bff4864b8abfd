import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorKind } from '../core/errors/app-error';

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payment_required: 402,
  rate_limited: 429,
  too_large: 413,
  unsupported_media: 415,
  unavailable: 503,
  upstream_failed: 502,
  timeout: 504,
  internal: 500,
};

/**
 * How an app writes its errors. The platform nests `{error: {code, message}}`; seed 000 writes a
 * flat `{error: "message"}`, kept with a stable `code` beside it.
 */
export type ErrorStyle = 'platform' | 'flat';

export function errorBody(style: ErrorStyle, err: AppError): Record<string, unknown> {
  return style === 'flat'
    ? { error: err.message, code: err.code, ...err.details }
    : { error: { code: err.code, message: err.message, ...err.details } };
}

/** The error in the shape of the mount the request came to (set by the app's first middleware, see `mounts.ts`). */
export function errorResponse(c: Context, err: AppError): Response {
  const style: ErrorStyle = c.get('errorStyle') ?? 'platform';
  if (err.retryAfterSec !== undefined) c.header('Retry-After', String(err.retryAfterSec));
  return c.json(errorBody(style, err), STATUS[err.kind]);
}

