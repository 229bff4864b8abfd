import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../../platform/i18n/i18n';
import { studioApi, type StudioVideo } from './studio-api';
import { explain } from './studio-errors';
import { statusWords } from './studio-words';
import { useStudioVideo, videoKey } from './use-studio-video';

/**
 * One video job: the words the server accepted it with and a live progress bar while it runs, with
 * a cancel button; then the player and a download link, or why it did not end in a video.
 */
export function VideoPanel({ jobId, acceptedMessage }: { jobId: string; acceptedMessage?: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const video = useStudioVideo(jobId);
  const cancel = useMutation({
    mutationFn: () => studioApi.cancelVideo(jobId),
    onSuccess: () => {
      client.setQueryData(videoKey(jobId), (old: StudioVideo | undefined) => (old ? { ...old, status: 'cancelled' as const } : old));
      void client.invalidateQueries({ queryKey: ['me'] });
    },
    // Ended meanwhile (409): the job's own state says how.
    onError: () => void client.invalidateQueries({ queryKey: videoKey(jobId) }),
  });

  if (video.isPending) return <p aria-busy="true">…</p>;
  if (video.error) return <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(video.error, t)}</p>;
  const v = video.data;
  const running = v.status === 'queued' || v.status === 'in_progress';
  return (
    <div className="space-y-3" aria-busy={running} data-testid="video-panel">
      {running && (
        <>
          {acceptedMessage && <p className="rounded bg-blue-50 p-3 font-medium text-blue-900">{acceptedMessage}</p>}
          <p aria-live="polite" data-testid="video-status">{statusWords(v.status, t)} · {v.progress}%</p>
          <progress className="h-3 w-full" max={100} value={v.progress} aria-label={t('studio.video.progress')} />
          <p className="text-sm text-slate-600">{t('studio.video.longWork')}</p>
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}
            className="w-full rounded border border-slate-400 px-4 py-2 font-medium sm:w-auto disabled:opacity-50">
            {cancel.isPending ? t('studio.video.cancelling') : t('studio.video.cancel')}
          </button>
        </>
      )}
      {cancel.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(cancel.error, t)}</p>}
      {v.status === 'completed' && v.videoUrl && (
        <>
          <video src={v.videoUrl} poster={v.thumbnailUrl} controls playsInline preload="metadata" className="w-full rounded bg-black" aria-label={t('studio.video.label')} />
          <a href={v.videoUrl} download={`studio_${v.jobId}.mp4`} className="inline-block text-blue-700 underline">{t('studio.video.download')}</a>
        </>
      )}
      {v.status === 'failed' && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{t('studio.video.failed', { reason: v.error?.message ?? '' })}</p>}
      {v.status === 'cancelled' && <p role="status" className="rounded bg-slate-100 p-3">{t('studio.video.cancelled')}</p>}
    </div>
  );
}
