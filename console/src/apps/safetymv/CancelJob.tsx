import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { mvApi, mvKeys } from './mv-api';

/** Cancels the job (the platform's POST /v1/jobs/{id}/cancel) after asking once, inline. */
export function CancelJob({ jobId }: { jobId: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => mvApi.cancel(jobId),
    onSettled: () => {
      setAsking(false);
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      return queryClient.invalidateQueries({ queryKey: mvKeys.plan(jobId) });
    },
  });
  const button = 'rounded border px-3 py-1 text-sm';
  return (
    <div className="flex flex-wrap items-center gap-2">
      {!asking ? (
        <button type="button" onClick={() => setAsking(true)} className={`${button} border-red-300 text-red-700 hover:bg-red-50`}>{t('mv.job.cancel')}</button>
      ) : (
        <div role="alertdialog" aria-label={t('mv.job.cancel')} className="flex flex-wrap items-center gap-2 rounded border border-red-300 bg-red-50 p-2">
          <span className="text-sm">{t('mv.job.cancel.confirm')}</span>
          <button type="button" autoFocus disabled={cancel.isPending} onClick={() => cancel.mutate()} className={`${button} border-red-600 bg-red-600 text-white`}>
            {cancel.isPending ? t('mv.job.cancelling') : t('mv.job.cancel')}
          </button>
          <button type="button" onClick={() => setAsking(false)} className={`${button} border-slate-300 bg-white`}>{t('mv.job.keep')}</button>
        </div>
      )}
      {cancel.isError && <p role="alert" className="text-sm text-red-700">{explain(cancel.error, t)}</p>}
    </div>
  );
}
