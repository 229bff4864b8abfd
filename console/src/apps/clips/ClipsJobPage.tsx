import { useClipsJob } from './use-clips-job';
import { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';

export function ClipsJobPage({ id }: { id: string }) {
  const { t } = useI18n();
  const job = useClipsJob(id);
  if (job.isPending) return <p aria-busy="true">…</p>;
  if (job.error) return <p role="alert" className="text-red-700">{job.error.message}</p>;
  const data = job.data;
  const running = !['completed', 'failed', 'cancelled'].includes(data.status);
  const error = data.error as { message?: string; refunded?: number } | null;
  return (
    <article className="space-y-4" aria-busy={running}>
      <h1 className="text-2xl font-bold">{t('job.heading')} · {t(`modeName.${data.mode}` as MessageKey)}</h1>
      <p aria-live="polite" data-testid="job-status" className="text-lg">{t(`job.status.${data.status}` as MessageKey)}</p>
      {running && (
        <div className="space-y-2">
          <progress className="h-3 w-full" max={1} value={data.progress} aria-label={t('job.progress')} />
          <p className="text-sm text-slate-600">{t('job.longWork')}</p>
        </div>
      )}
      {data.status === 'failed' && (
        <div role="alert" className="rounded bg-red-50 p-3 text-red-800">
          <p>{t('job.failed', { reason: error?.message ?? '' })}</p>
          {error?.refunded ? <p>{t('job.refunded', { credits: error.refunded })}</p> : null}
        </div>
      )}
      {data.status === 'completed' && 'clips' in data.result && (
        <ul className="grid gap-4 sm:grid-cols-3">
          {data.result.clips.map((c) => (
            <li key={c.clipNo} className="space-y-1">
              <h2 className="font-semibold">{t('job.clip', { n: c.clipNo })}</h2>
              {c.videoUrl && <video src={c.videoUrl} poster={c.thumbUrl ?? undefined} controls playsInline preload="metadata" className="w-full rounded bg-black" aria-label={t('job.clip', { n: c.clipNo })} />}
              {c.videoUrl && <a href={c.videoUrl} download={`clip_${c.clipNo}.mp4`} className="text-sm text-blue-700 underline">{t('job.download')}</a>}
            </li>
          ))}
        </ul>
      )}
      {data.status === 'completed' && 'trailerUrl' in data.result && data.result.trailerUrl && (
        <div className="space-y-1">
          <video src={data.result.trailerUrl} poster={data.result.thumbUrl ?? undefined} controls playsInline preload="metadata" className="w-full rounded bg-black" aria-label={t('job.trailer')} />
          <a href={data.result.trailerUrl} download="trailer.mp4" className="text-sm text-blue-700 underline">{t('job.download')}</a>
        </div>
      )}
    </article>
  );
}
