import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { ConsoleApp } from '../console-app';
import { navigate } from '../hooks/use-route';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

/** Past and running jobs of every app, newest first; a job links to its page when its app has one. */
export function JobsPage({ apps }: { apps: readonly ConsoleApp[] }) {
  const { t } = useI18n();
  const jobs = useInfiniteQuery({
    queryKey: ['jobs'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => unwrap(await api.GET('/v1/jobs', { params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5000,
  });
  const rows = jobs.data?.pages.flatMap((p) => p.jobs) ?? [];
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{t('jobs.heading')}</h1>
      {jobs.isSuccess && rows.length === 0 && <p>{t('jobs.empty')}</p>}
      <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
        {rows.map((j) => (
          <li key={j.id} className="flex flex-wrap items-center gap-3 p-3">
            <span className="font-mono text-xs text-slate-500">{j.app}</span>
            <span>{t(`job.status.${j.status}` as MessageKey)}</span>
            <span className="text-sm text-slate-600">{new Date(j.createdAt).toLocaleString()}</span>
            {apps.some((a) => a.id === j.app && a.JobPage) && (
              <a href={`/jobs/${j.id}`} className="ml-auto text-blue-700 underline"
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/jobs/${j.id}`);
                }}>
                {t('jobs.open')}
              </a>
            )}
          </li>
        ))}
      </ul>
      {jobs.hasNextPage && (
        <button type="button" onClick={() => void jobs.fetchNextPage()} className="rounded border border-slate-300 px-4 py-2">{t('jobs.more')}</button>
      )}
    </section>
  );
}
