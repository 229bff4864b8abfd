import type { AppError } from '../core/errors/app-error';
import type { ErrorStyle } from './errors';

/**
 * A path prefix whose answers keep one contract: the 404 of no route, the 413 and 415 of the body
 * checks and the 500 included. Anything outside every mount (docs, console, storage URLs) is the
 * platform's.
 */
export interface Mount {
  prefix: string;
  errorStyle: ErrorStyle;
  /**
   * The mount's own vocabulary of errors, when its seed fixes one (seed 003's ten codes): every
   * error answered under the prefix passes through it, the platform's included.
   */
  mapError?: (err: AppError) => AppError;
  /**
   * Paths under the prefix that take a `multipart/form-data` upload of at most `maxBytes` instead
   * of a JSON body (seed 002's PDF upload); every other body under the prefix is JSON of at most 256 KB.
   */
  uploads?: readonly { path: string; maxBytes: number }[];
}

/** The platform's own API; each app adds its mounts in its module (http/app-module.ts). */
export const PLATFORM_MOUNTS: readonly Mount[] = [{ prefix: '/v1/', errorStyle: 'platform' }];

const PLATFORM_DEFAULT: Mount = { prefix: '/', errorStyle: 'platform' };

/** The mount `path` falls under (`/api` itself counts as `/api/`); the platform's outside every mount. */
export function mountFor(mounts: readonly Mount[], path: string): Mount {
  for (const m of mounts) if (path.startsWith(m.prefix) || path === m.prefix.slice(0, -1)) return m;
  return PLATFORM_DEFAULT;
}
