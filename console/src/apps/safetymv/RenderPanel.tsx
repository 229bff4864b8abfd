import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError } from '../../platform/api/client';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { artifactsOf, mvApi, mvKeys, renderPrice, type MvPlan, type MvRender } from './mv-api';

/**
 * A media URL of another origin (object storage rather than this server): the video is then
 * fetched with CORS so that its <track> may be read (a track of another origin needs `crossorigin`
 * on the media element and the storage's CORS answer). The server's own `/…` paths need neither.
 */
const crossOrigin = (...urls: (string | null)[]) =>
  urls.some((u) => u !== null && new URL(u, window.location.href).origin !== window.location.origin);

function RenderProgress({ render }: { render: MvRender }) {
  const { t } = useI18n();
  const pct = Math.round(Math.min(1, Math.max(0, render.progress)) * 100);
  const counts = t('mv.render.counts', {
    done: render.clips_done, total: render.clips_total, music: t(render.music_done ? 'mv.render.musicDone' : 'mv.render.musicPending'),
  });
  return (
    <div className="space-y-1" aria-live="polite">
      <p className="text-slate-700">{t('mv.render.running')}</p>
      <div role="progressbar" aria-label={t('mv.render.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct}% · ${counts}`}
        className="h-2 w-full overflow-hidden rounded bg-slate-200">
        <div className="h-full bg-blue-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <p data-testid="mv-render-counts" className="text-sm text-slate-600">{counts}</p>
    </div>
  );
}

function RenderVideo({ render }: { render: MvRender }) {
  const { t } = useI18n();
  if (!render.video_url) return null;
  const cors = crossOrigin(render.video_url, render.subtitles_url) ? 'anonymous' : undefined;
  return (
    <figure className="space-y-2">
      <video data-testid="mv-video" controls playsInline preload="metadata" poster={render.poster_url ?? undefined} src={render.video_url} crossOrigin={cors}
        aria-label={t('mv.render.video')} className="w-full max-w-3xl rounded bg-black">
        {render.subtitles_url && <track kind="subtitles" srcLang="ko" label={t('mv.render.subtitles')} src={render.subtitles_url} default />}
      </video>
      <figcaption className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
        {render.duration_seconds !== null && <span>{t('mv.render.duration', { n: Math.round(render.duration_seconds * 10) / 10 })}</span>}
        <a href={render.video_url} download className="text-blue-700 underline">{t('mv.render.download')}</a>
      </figcaption>
    </figure>
  );
}

/**
 * The plan's render into the music video: its price and the button (once the plan is completed
 * and its character image ready; else why not), the progress while it runs (the job's page reads
 * the plan again meanwhile), then the video with the lyrics as subtitles, or why it failed.
 */
export function RenderPanel({ plan, pollMs }: { plan: MvPlan; pollMs: number }) {
  const { t } = useI18n();
  const jobId = plan.job_id;
  const queryClient = useQueryClient();
  const completed = plan.status === 'completed';
  const options = useQuery({ queryKey: mvKeys.options, queryFn: mvApi.options, staleTime: 5 * 60_000 });
  // The same query as the character's image (CharacterImage): one read, polled while it is made.
  const character = useQuery({
    queryKey: mvKeys.character(jobId),
    queryFn: () => mvApi.character(jobId),
    refetchInterval: (q) => (q.state.data?.status === 'submitted' && !q.state.error ? pollMs : false),
    enabled: completed,
  });
  const render = plan.render;
  const clips = artifactsOf(plan)?.media_plan?.video_jobs.length ?? 0;
  const prices = options.data?.prices;
  const total = prices ? renderPrice(clips, prices) : null;

  const start = useMutation({
    mutationFn: () => mvApi.render(jobId),
    onSuccess: (started) => {
      // Shown running at once, so the page reads the plan again until the render ends.
      queryClient.setQueryData<MvPlan>(mvKeys.plan(jobId), (old) => old && {
        ...old,
        render: {
          job_id: started.render_job_id, status: 'running', progress: 0, clips_done: 0, clips_total: clips, music_done: false,
          video_url: null, poster_url: null, subtitles_url: null, duration_seconds: null, error: null, error_code: null,
        },
      });
      void queryClient.invalidateQueries({ queryKey: mvKeys.plan(jobId) });
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (err) => {
      // A render already runs (another tab): read the plan to show it.
      if (err instanceof ApiError && err.code === 'ENTITY_BUSY') void queryClient.invalidateQueries({ queryKey: mvKeys.plan(jobId) });
    },
  });

  // A render charged when it started is refunded if it fails: the header's balance is read again at the end.
  const ended = render?.status === 'completed' || render?.status === 'failed';
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: ['me'] });
  }, [ended, render?.job_id, queryClient]);

  const running = render?.status === 'running';
  const why = !completed ? t('mv.render.why.plan')
    : character.data?.status === 'failed' ? t('mv.render.why.characterFailed')
    : character.data?.status !== 'ready' ? t('mv.render.why.character')
    : total === null ? (options.isError ? explain(options.error, t) : t('mv.render.why.options'))
    : null;
  const label = render?.status === 'completed' ? 'mv.render.again' : render?.status === 'failed' ? 'mv.render.retry' : 'mv.render.start';

  return (
    <section aria-labelledby="mv-render-h" data-testid="mv-render" data-render-status={render?.status ?? 'none'} className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id="mv-render-h" className="text-lg font-semibold">{t('mv.render.heading')}</h2>
      {!render && <p className="text-sm text-slate-600">{t('mv.render.note')}</p>}
      {running && <RenderProgress render={render} />}
      {render?.status === 'completed' && <RenderVideo render={render} />}
      {render?.status === 'failed' && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
          {render.error_code === 'CANCELLED' ? t('mv.render.cancelled') : t('mv.render.failed', { message: render.error ?? render.error_code ?? '' })}
        </p>
      )}
      {!running && (
        <div className="space-y-1">
          {total !== null && prices && <p data-testid="mv-render-price" className="text-sm text-slate-700">{t('mv.render.price', { total, clips, clip: prices.clip, music: prices.music })}</p>}
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" disabled={why !== null || start.isPending} aria-describedby={why ? 'mv-render-why' : undefined} onClick={() => start.mutate()}
              className={`rounded px-4 py-2 font-medium disabled:cursor-not-allowed disabled:opacity-50 ${render ? 'border border-slate-300 hover:bg-slate-100' : 'bg-blue-600 text-white hover:bg-blue-700'}`}>
              {t(label, { total: total ?? '…' })}
            </button>
            {render?.status === 'completed' && <span className="text-sm text-slate-600">{t('mv.render.againNote')}</span>}
          </div>
          {why && <p id="mv-render-why" data-testid="mv-render-why" className="text-sm text-slate-600">{why}</p>}
        </div>
      )}
      {start.isError && <p role="alert" className="text-red-700">{explain(start.error, t)}</p>}
    </section>
  );
}
