import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorKind } from '../core/errors/app-error';
import type { Mount } from './mounts';

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
 * flat `{error: "message"}`, kept with a stable `code` beside it; seed 003 wraps every answer in
 * its envelope `{success, data, error: {code, message}, meta: {request_id, timestamp}}`.
 */
export type ErrorStyle = 'platform' | 'flat' | 'envelope';

/** `requestId`: the request's id (x-request-id), which the envelope's meta carries. */
export function errorBody(style: ErrorStyle, err: AppError, requestId = ''): Record<string, unknown> {
  if (style === 'flat') return { error: err.message, code: err.code, ...err.details };
  if (style === 'envelope') return envelope(null, { code: err.code, message: err.message, ...err.details }, requestId);
  return { error: { code: err.code, message: err.message, ...err.details } };
}

/** Seed 003's envelope around an answer: `data` on success, `error` on failure, the other null. */
export function envelope(data: unknown, error: { code: string; message: string } | null, requestId: string) {
  return { success: error === null, data, error, meta: { request_id: requestId, timestamp: new Date().toISOString() } };
}

/** The error in the shape of the mount the request came to (set by the app's first middleware, see `mounts.ts`). */
export function errorResponse(c: Context, err: AppError): Response {
  const mount = c.get('mount') as Mount | undefined;
  const mapped: AppError = mount?.mapError?.(err) ?? err;
  if (mapped.retryAfterSec !== undefined) c.header('Retry-After', String(mapped.retryAfterSec));
  // The rest of a too-large body is never read, so the connection cannot carry another request: say so.
  if (err.kind === 'too_large') c.header('Connection', 'close');
  return c.json(errorBody(mount?.errorStyle ?? 'platform', mapped, c.get('requestId')), STATUS[mapped.kind]);
}

