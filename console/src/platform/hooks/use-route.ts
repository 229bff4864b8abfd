import { useEffect, useState } from 'react';

/** The console's few routes, on the History API: /, /clips, /jobs, /jobs/:id. */
export type Route = { page: 'clips' } | { page: 'jobs' } | { page: 'job'; id: string };

export function parseRoute(pathname: string): Route {
  const job = pathname.match(/^\/jobs\/([^/]+)$/);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]!) };
  if (pathname === '/jobs') return { page: 'jobs' };
  return { page: 'clips' };
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return route;
}
