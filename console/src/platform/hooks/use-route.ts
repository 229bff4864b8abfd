import { useEffect, useState } from 'react';
import type { ConsoleApp } from '../console-app';

/** The console's routes, on the History API: each app's paths, /jobs, /jobs/:id and /admin. */
export type Route = { page: 'app'; app: ConsoleApp } | { page: 'jobs' } | { page: 'job'; id: string } | { page: 'admin' };

/** The platform's admin page (shown to admins; the API refuses everyone else). */
export const ADMIN_PATH = '/admin';

/** Whether `pathname` is `pattern`, where a `:name` segment stands for any one non-empty segment (`/gallery/:collection/:id`). */
export function pathMatches(pattern: string, pathname: string): boolean {
  const want = pattern.split('/');
  const got = pathname.split('/');
  return want.length === got.length && want.every((w, i) => (w.startsWith(':') ? got[i] !== '' : w === got[i]));
}

/** A path no app claims opens the first app's page, as `/` does. */
export function parseRoute(pathname: string, apps: readonly ConsoleApp[]): Route {
  const job = pathname.match(/^\/jobs\/([^/]+)$/);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]!) };
  if (pathname === '/jobs') return { page: 'jobs' };
  if (pathname === ADMIN_PATH) return { page: 'admin' };
  return { page: 'app', app: apps.find((a) => a.paths.some((p) => pathMatches(p, pathname))) ?? apps[0]! };
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(apps: readonly ConsoleApp[]): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, apps));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname, apps));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [apps]);
  return route;
}
