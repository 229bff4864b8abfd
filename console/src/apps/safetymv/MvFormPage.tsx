import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { mvApi, mvKeys } from './mv-api';
import { PlanForm } from './PlanForm';
import { RecentJobs } from './RecentJobs';

/** `/safetymv`: the request form (its choices, limits and prices from GET /mv/options), then the recent jobs. */
export function MvFormPage() {
  const { t } = useI18n();
  const options = useQuery({ queryKey: mvKeys.options, queryFn: mvApi.options, staleTime: 5 * 60_000 });
  return (
    <section className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t('mv.heading')}</h1>
        <p className="text-slate-600">{t('mv.intro')}</p>
      </header>
      {options.isPending && <p>{t('mv.loading')}</p>}
      {options.isError && <p role="alert" className="text-red-700">{explain(options.error, t)}</p>}
      {options.data && <PlanForm options={options.data} />}
      <RecentJobs />
    </section>
  );
}
