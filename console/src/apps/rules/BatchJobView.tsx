import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { jobEnded, rulesApi, rulesKeys, type BatchJob } from './rules-api';
import { explain } from './rules-errors';
import { itemStatusWords, jobStatusWords } from './rules-words';
import { saveBlob, zipResults } from './zip-results';

/** How often a running batch is read: the GPU worker settles a photo in about a second. */
export const POLL_MS = 1500;

/**
 * A batch after it was executed: its status and progress, read every POLL_MS until it ends; each
 * photo's status and, once done, its result beside the original; cancel (what was refunded) while
 * it runs, and all results as one ZIP.
 */
export function BatchJobView({ jobId, names, onEnded }: { jobId: string; names: readonly string[]; onEnded: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const job = useQuery({
    queryKey: rulesKeys.job(jobId),
    queryFn: () => rulesApi.job(jobId),
    refetchInterval: (q) => (q.state.data && jobEnded(q.state.data.status) ? false : POLL_MS),
  });
  const ended = job.data ? jobEnded(job.data.status) : false;
  useEffect(() => {
    // Failed photos are refunded as they end: the balance is read again once the job has.
    if (ended) onEnded();
  }, [ended]);
  const [cancelled, setCancelled] = useState<BatchJob | null>(null);
  const cancel = useMutation({
    mutationFn: () => rulesApi.cancel(jobId),
    onSuccess: (answer) => {
      setCancelled(answer);
      client.setQueryData(rulesKeys.job(jobId), answer);
    },
    // Ended meanwhile (JOB_WRONG_STATE): the job's own status says how.
    onError: () => void client.invalidateQueries({ queryKey: rulesKeys.job(jobId) }),
    onSettled: onEnded,
  });
  const zip = useMutation({
    mutationFn: async (j: BatchJob) => saveBlob(await zipResults(j.items, names), `rules-${j.job_id}.zip`),
  });

  if (job.isPending) return <p aria-busy="true">{t('rules.loading')}</p>;
  if (job.error) return <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(job.error, t)}</p>;
  const j = job.data;
  const settled = j.progress.done + j.progress.failed;
  const anyDone = j.items.some((i) => i.status === 'done' && i.output_url);
  return (
    <section aria-labelledby="batch-job-h" aria-busy={!ended} className="space-y-3 rounded border border-slate-200 bg-white p-4" data-testid="batch-job">
      <h2 id="batch-job-h" className="text-lg font-semibold">{t('rules.batch.job', { id: j.job_id, rule: j.rule.name })}</h2>
      <p aria-live="polite" data-testid="batch-status">
        {t('rules.batch.status', { status: jobStatusWords(j.status, t) })} · {t('rules.batch.progress', j.progress)}
      </p>
      <progress className="h-3 w-full" max={Math.max(1, j.progress.total)} value={settled} aria-label={t('rules.batch.progressLabel')} />
      <p className="text-sm text-slate-600" data-testid="batch-credits">{t('rules.batch.charged', j.credits)}</p>
      {j.status === 'completed' && <p role="status" className="rounded bg-green-50 p-3 text-green-900">{t('rules.batch.completed')}</p>}
      {j.status === 'failed' && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t('rules.batch.failedJob', { reason: j.error?.message ?? '' })}</p>}
      {j.status === 'cancelled' && (
        <p role="status" className="rounded bg-slate-100 p-3" data-testid="batch-refund">{t('rules.batch.cancelled', { refunded: (cancelled ?? j).credits.refunded })}</p>
      )}
      {cancel.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(cancel.error, t)}</p>}
      <div className="flex flex-wrap gap-2">
        {!ended && (
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} className="rounded border border-slate-400 px-4 py-2 font-medium disabled:opacity-50">
            {cancel.isPending ? t('rules.batch.cancelling') : t('rules.batch.cancel')}
          </button>
        )}
        {anyDone && (
          <button type="button" onClick={() => zip.mutate(j)} disabled={zip.isPending} className="rounded bg-slate-800 px-4 py-2 font-medium text-white disabled:opacity-50">
            {zip.isPending ? t('rules.batch.zipping') : t('rules.batch.zip')}
          </button>
        )}
      </div>
      {zip.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t('rules.batch.zipFailed', { message: (zip.error as Error).message })}</p>}
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="batch-grid">
        {j.items.map((item) => {
          const n = item.index + 1;
          return (
            <li key={item.index} data-status={item.status} className="min-w-0 space-y-1 rounded border border-slate-200 p-2">
              <p className="flex justify-between gap-2 text-sm">
                <span className="truncate">{names[item.index] ?? t('rules.batch.photo', { n })}</span>
                <span data-testid="item-status" className="shrink-0 font-medium">{itemStatusWords(item.status, t)}</span>
              </p>
              <div className="grid grid-cols-2 gap-1">
                {item.input_url ? <img src={item.input_url} alt={t('rules.batch.original', { n })} className="aspect-square w-full rounded bg-slate-100 object-contain" />
                  : <div className="aspect-square rounded bg-slate-100" />}
                {item.output_url ? <img src={item.output_url} alt={t('rules.batch.result', { n })} className="aspect-square w-full rounded bg-slate-100 object-contain" data-testid="item-result" />
                  : <div className={`aspect-square rounded bg-slate-100 ${item.status === 'running' || item.status === 'pending' ? 'animate-pulse' : ''}`} />}
              </div>
              {item.error && <p className="text-xs text-red-700">{item.error.message}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
