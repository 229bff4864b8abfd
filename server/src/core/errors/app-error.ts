/** Every expected failure is an AppError: a stable code, an HTTP-agnostic kind, a message saying what to fix. */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payment_required'
  | 'rate_limited'
  | 'too_large'
  | 'unsupported_media'
  | 'unavailable'
  /** A provider answered with a failure the request cannot fix: 502. */
  | 'upstream_failed'
  /** The work did not finish within the request's deadline: 504. */
  | 'timeout'
  /** A failure of ours, not the request's: answered 500 without details. */
  | 'internal';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** Extra fields merged into the error body (e.g. `needed`, `balance`). */
    readonly details: Record<string, unknown> = {},
    /** Seconds, for rate limits. */
    readonly retryAfterSec?: number,
    /** `cause`: the error this one wraps (ES2022), kept for logs and never shown to the client. */
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const notFound = (code: string, message: string) => new AppError('not_found', code, message);
export const forbidden = (code: string, message: string) => new AppError('forbidden', code, message);
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('invalid', code, message, details);
