import { AppError } from '../../core/errors/app-error';

/** Seed 003's error codes, the only ones its clients know (its "Error Codes" table). */
export const SEED_CODES = [
  'AUTH_REQUIRED', 'AUTH_INVALID', 'NOT_FOUND', 'INVALID_REQUEST', 'INSUFFICIENT_CREDITS', 'RULE_SLOT_FULL',
  'CONCURRENCY_LIMIT', 'JOB_NOT_FOUND', 'JOB_WRONG_STATE', 'INTERNAL_ERROR',
] as const;
const KNOWN = new Set<string>(SEED_CODES);

/**
 * Every error answered under `/s3` in seed 003's vocabulary: its own codes pass; any other takes
 * the seed's code and status of its kind (a too-large or non-JSON body is INVALID_REQUEST 400,
 * another user's resource NOT_FOUND 404, a sign-up or other rate limit CONCURRENCY_LIMIT 429 with
 * its Retry-After), the message kept, so it still says what to fix.
 */
export function toSeedError(err: AppError): AppError {
  if (KNOWN.has(err.code)) return err;
  const as = (kind: AppError['kind'], code: (typeof SEED_CODES)[number]) => new AppError(kind, code, err.message, err.details, err.retryAfterSec, { cause: err });
  switch (err.kind) {
    case 'invalid': case 'too_large': case 'unsupported_media': return as('invalid', 'INVALID_REQUEST');
    case 'not_found': case 'forbidden': return as('not_found', 'NOT_FOUND');
    case 'unauthorized': return as('unauthorized', 'AUTH_INVALID');
    case 'payment_required': return as('payment_required', 'INSUFFICIENT_CREDITS');
    case 'rate_limited': return as('rate_limited', 'CONCURRENCY_LIMIT');
    case 'conflict': return as('conflict', 'JOB_WRONG_STATE');
    default: return new AppError('internal', 'INTERNAL_ERROR', 'Internal error', err.details, undefined, { cause: err });
  }
}
