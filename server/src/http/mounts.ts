import type { ErrorStyle } from './errors';

/**
 * The API's mounts: each path prefix keeps one contract for every answer under it, the 404 of no
 * route, the 413 and 415 of the body checks and the 500 included. An app with another contract
 * adds its prefix here; anything outside every mount (docs, console, storage URLs) is the platform's.
 */
export const MOUNTS: readonly { prefix: string; errorStyle: ErrorStyle }[] = [
  // Seed 000's clips API: flat `{error, code}`.
  { prefix: '/api/', errorStyle: 'flat' },
  { prefix: '/v1/', errorStyle: 'platform' },
];

/** The error style of the mount `path` falls under (`/api` itself counts as `/api/`). */
export function errorStyleFor(path: string): ErrorStyle {
  for (const m of MOUNTS) if (path.startsWith(m.prefix) || path === m.prefix.slice(0, -1)) return m.errorStyle;
  return 'platform';
}
