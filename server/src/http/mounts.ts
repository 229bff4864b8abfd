import type { ErrorStyle } from './errors';

/**
 * A path prefix whose answers keep one contract: the 404 of no route, the 413 and 415 of the body
 * checks and the 500 included. Anything outside every mount (docs, console, storage URLs) is the
 * platform's.
 */
export interface Mount {
  prefix: string;
  errorStyle: ErrorStyle;
}

/** The platform's own API; each app adds its mounts in its module (http/app-module.ts). */
export const PLATFORM_MOUNTS: readonly Mount[] = [{ prefix: '/v1/', errorStyle: 'platform' }];

/** The error style of the mount `path` falls under (`/api` itself counts as `/api/`). */
export function errorStyleFor(mounts: readonly Mount[], path: string): ErrorStyle {
  for (const m of mounts) if (path.startsWith(m.prefix) || path === m.prefix.slice(0, -1)) return m.errorStyle;
  return 'platform';
}
