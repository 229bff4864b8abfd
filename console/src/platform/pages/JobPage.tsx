import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { ConsoleApp } from '../console-app';
import { useI18n } from '../i18n/i18n';

/** /jobs/:id: reads which app the job belongs to, then shows it with that app's job page. */
export function JobPage({ id, apps }: { id: string; apps: readonly ConsoleApp[] }) {
  const { t } = useI18n();
  // A job's app never changes: one read per job and page load.
  const owner = useQuery({
    queryKey: ['job-app', id],
    queryFn: async () => unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } })).app,
    staleTime: Infinity,
  });
  if (owner.isPending) return <p aria-busy="true">…</p>;
  if (owner.error) return <p role="alert" className="text-red-700">{owner.error.message}</p>;
  const View = apps.find((a) => a.id === owner.data)?.JobPage;
  if (!View) return <p role="alert">{t('jobs.noView')}</p>;
  return <View id={id} />;
}
