import { useQuery } from '@tanstack/react-query';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { jobPath, MV_PLAN_PIPELINE, mvApi, mvKeys } from './mv-api';

/**
 * The user's latest safety MV plans (the platform's jobs list, app `safetymv`), each a link to its
 * page. The list has the app's renders too (pipeline `safetymv.render`, no page of their own: a
 * plan's page shows its newest render), and cannot be asked for one pipeline: they are left out here.
 */
export function RecentJobs() {
  const { t, lang } = useI18n();
  const recent = useQuery({ queryKey: mvKeys.recent, queryFn: mvApi.recent, refetchInterval: 5000 });
  const jobs = (recent.data?.jobs ?? []).filter((j) => j.pipeline === MV_PLAN_PIPELINE);
  return (
    <section aria-labelledby="mv-recent" className="space-y-2">
      <h2 id="mv-recent" className="text-lg font-semibold">{t('mv.recent')}</h2>
      {recent.isSuccess && jobs.length === 0 && <p className="text-slate-600">{t('mv.recent.empty')}</p>}
      <ul data-testid="mv-recent" className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
        {jobs.map((j) => {
          const date = new Date(j.createdAt).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US');
          return (
            <li key={j.id}>
              <a href={jobPath(j.id)} aria-label={t('mv.recent.open', { date })} className="flex flex-wrap items-center gap-3 p-3 hover:bg-slate-50"
                onClick={(e) => {
                  e.preventDefault();
                  navigate(jobPath(j.id));
                }}>
                <span className="text-blue-700 underline">{date}</span>
                <span className="text-sm text-slate-600">{t(`job.status.${j.status}` as MessageKey)}</span>
                <span className="ml-auto font-mono text-xs text-slate-400">{j.id}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
