import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError } from '../../platform/api/client';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import { BlueprintView } from './BlueprintView';
import { CancelJob } from './CancelJob';
import { CharacterImage } from './CharacterImage';
import { EvidencePanel } from './EvidencePanel';
import { MediaPlanView } from './MediaPlanView';
import { explain } from './mv-errors';
import { artifactsOf, hitlOf, isPolled, isRendering, MV_PATH, mvApi, mvKeys, type MvPlan } from './mv-api';
import { RenderPanel } from './RenderPanel';
import { RequestSummary } from './RequestSummary';
import { ReviewPanel } from './ReviewPanel';
import { StateStepper } from './StateStepper';
import { TracePanel } from './TracePanel';

/** How often a running plan (or its running render) is read (seed 002 has no events stream). */
export const POLL_MS = 1500;

const BADGE: Record<MvPlan['status'], string> = {
  running: 'bg-blue-100 text-blue-800', hitl_required: 'bg-amber-100 text-amber-900', completed: 'bg-green-100 text-green-800', failed: 'bg-red-100 text-red-800',
};

/** What the job holds at its status: a note while it runs, the review, the locked plan, or why it failed. */
function PlanBody({ plan, pollMs }: { plan: MvPlan; pollMs: number }) {
  const { t } = useI18n();
  const artifacts = artifactsOf(plan);
  return (
    <>
      {plan.status === 'running' && <p className="text-slate-700">{t('mv.job.running')}</p>}
      {plan.status === 'failed' && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
          {plan.error_code === 'CANCELLED' ? t('mv.job.cancelled') : t('mv.job.failed', { message: plan.error ?? plan.error_code ?? '' })}
        </p>
      )}
      {artifacts?.extracted_keywords && <EvidencePanel jobId={plan.job_id} artifacts={artifacts} />}
      {plan.status === 'hitl_required' && artifacts?.concepts && <ReviewPanel jobId={plan.job_id} concepts={artifacts.concepts} hitl={hitlOf(plan)} length={plan.request.length_seconds} />}
      {plan.status === 'completed' && artifacts && (
        <>
          {artifacts.blueprint && <BlueprintView blueprint={artifacts.blueprint} />}
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-[2fr_1fr]">
            {artifacts.media_plan && <MediaPlanView plan={artifacts.media_plan} />}
            <CharacterImage jobId={plan.job_id} pollMs={pollMs} />
          </div>
          <RenderPanel plan={plan} pollMs={pollMs} />
        </>
      )}
    </>
  );
}

/**
 * `/safetymv/:jobId` (and the platform's `/jobs/:id` for this app's jobs): the plan read every
 * `pollMs` while it (or its render) runs, its steps and progress, then its review, result or failure, and its trace.
 */
export function MvJobPage({ id, pollMs = POLL_MS }: { id: string; pollMs?: number }) {
  const { t } = useI18n();
  const plan = useQuery({
    queryKey: mvKeys.plan(id),
    queryFn: () => mvApi.plan(id),
    refetchInterval: (q) => (q.state.error || !(isPolled(q.state.data?.status) || isRendering(q.state.data)) ? false : pollMs),
  });
  const data = plan.data;
  const queryClient = useQueryClient();
  // A failed plan is refunded and a character image that failed too: the header's balance is read again at the end.
  const ended = data?.status === 'completed' || data?.status === 'failed';
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: ['me'] });
  }, [ended, queryClient]);
  return (
    <section className="space-y-5">
      <a href={MV_PATH} className="text-blue-700 underline" onClick={(e) => { e.preventDefault(); navigate(MV_PATH); }}>{t('mv.job.back')}</a>
      {plan.isPending && <p>{t('mv.loading')}</p>}
      {plan.isError && (
        <p role="alert" className="text-red-700">
          {plan.error instanceof ApiError && plan.error.status === 404 ? t('mv.job.notFound') : explain(plan.error, t)}
        </p>
      )}
      {data && (
        <>
          <header className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-bold">{t('mv.job.heading')}</h1>
            <span data-testid="mv-status" data-status={data.status} className={`rounded px-2 py-0.5 text-sm ${BADGE[data.status]}`}>{t(`mv.status.${data.status}`)}</span>
            <span className="font-mono text-xs text-slate-500">{data.job_id}</span>
            {(data.status === 'running' || data.status === 'hitl_required') && <div className="ml-auto"><CancelJob jobId={data.job_id} /></div>}
          </header>
          <RequestSummary request={data.request} />
          <StateStepper plan={data} />
          <PlanBody plan={data} pollMs={pollMs} />
          <TracePanel plan={data} />
        </>
      )}
    </section>
  );
}
