import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { studioApi, type HistoryItem, type HistoryType, type QueuedVideo, type StudioImage, type StudioOptions } from './studio-api';
import { explain } from './studio-errors';
import { priceWords, shownStatus, statusWords } from './studio-words';

const FILTERS: (HistoryType | 'all')[] = ['all', 'prompt', 'image', 'video'];

/** The studio's history: my prompts, images and videos, newest first, a kind at a time or all, with what each can do again. */
export function HistoryPanel({ prices, onUsePrompt, onImage, onVideo }: {
  prices: StudioOptions['prices'];
  onUsePrompt: (prompt: string) => void;
  /** A regenerated image, with the prompt that made it. */
  onImage: (image: StudioImage, prompt: string) => void;
  onVideo: (queued: QueuedVideo) => void;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [filter, setFilter] = useState<HistoryType | 'all'>('all');
  const type = filter === 'all' ? undefined : filter;
  const history = useInfiniteQuery({
    queryKey: ['studio-history', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => studioApi.history(type, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A job still running here changes on its own: read the list again until none is.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((i) => running(i.status))) ? 3000 : false),
  });
  const charged = () => {
    void client.invalidateQueries({ queryKey: ['me'] });
    void client.invalidateQueries({ queryKey: ['studio-history'] });
  };
  const regenerateImage = useMutation({
    mutationFn: (item: HistoryItem) => studioApi.regenerateImage(item.imageId!),
    onSuccess: (image, item) => {
      charged();
      onImage(image, item.prompt ?? '');
    },
  });
  const regenerateVideo = useMutation({
    mutationFn: (item: HistoryItem) => studioApi.regenerateVideo(item.jobId),
    onSuccess: (queued) => {
      charged();
      onVideo(queued);
    },
  });
  const busy = regenerateImage.isPending || regenerateVideo.isPending;
  const error = regenerateImage.error ?? regenerateVideo.error;
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="studio-history" className="space-y-3">
      <h2 id="studio-history" className="text-lg font-semibold">{t('studio.history')}</h2>
      <div role="group" aria-label={t('studio.history.filter')} className="flex flex-wrap gap-1">
        {FILTERS.map((f) => (
          <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}
            className={`rounded px-3 py-1 text-sm ${filter === f ? 'bg-slate-800 text-white' : 'border border-slate-300 bg-white'}`}>
            {t(`studio.history.${f}`)}
          </button>
        ))}
      </div>
      {error && <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800">{explain(error, t)}</p>}
      {history.error && <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800">{explain(history.error, t)}</p>}
      {history.isSuccess && items.length === 0 && <p className="text-sm text-slate-600">{t('studio.history.empty')}</p>}
      <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white" data-testid="history">
        {items.map((item) => (
          <Entry key={item.jobId} item={item}>
            {item.type === 'prompt' && item.prompt && (
              <ActionButton item={item} onClick={() => onUsePrompt(item.prompt!)}>{t('studio.history.usePrompt')}</ActionButton>
            )}
            {item.type === 'image' && item.imageId && (
              <ActionButton item={item} disabled={busy} onClick={() => regenerateImage.mutate(item)}>
                {regenerateImage.isPending && regenerateImage.variables.jobId === item.jobId ? t('studio.history.regenerating') : t('studio.history.regenerate', { price: priceWords(prices.image, t) })}
              </ActionButton>
            )}
            {item.type === 'video' && (
              <ActionButton item={item} disabled={busy} onClick={() => regenerateVideo.mutate(item)}>
                {regenerateVideo.isPending && regenerateVideo.variables.jobId === item.jobId ? t('studio.history.regenerating') : t('studio.history.regenerate', { price: priceWords(prices.video, t) })}
              </ActionButton>
            )}
          </Entry>
        ))}
      </ul>
      {history.hasNextPage && (
        <button type="button" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}
          className="w-full rounded border border-slate-300 px-4 py-2 disabled:opacity-50">
          {t('studio.history.more')}
        </button>
      )}
    </section>
  );
}

const running = (status: string) => ['queued', 'in_progress'].includes(shownStatus(status));
/** The id of an entry's prompt: what tells its buttons apart, all named alike, to a screen reader. */
const promptId = (item: HistoryItem) => `studio-prompt-${item.jobId}`;

/** One line of history: its kind, status and time, the picture and prompt, then its actions. */
function Entry({ item, children }: { item: HistoryItem; children: ReactNode }) {
  const { t, lang } = useI18n();
  const picture = item.thumbnailUrl ?? item.imageUrl;
  return (
    <li className="space-y-2 p-3" data-type={item.type} aria-busy={running(item.status)}>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="rounded bg-slate-100 px-2 font-medium">{t(`studio.kind.${item.type}`)}</span>
        <span>{statusWords(item.status, t)}{running(item.status) && item.progress !== undefined ? ` · ${item.progress}%` : ''}</span>
        <time dateTime={item.createdAt} className="text-slate-600">{new Date(item.createdAt).toLocaleString(lang)}</time>
      </p>
      {picture && <img src={picture} alt="" className="max-h-32 rounded object-cover" />}
      {item.prompt && <p id={promptId(item)} className="line-clamp-3 break-words text-sm">{item.prompt}</p>}
      {item.error && <p className="text-sm text-red-700">{item.error.message}</p>}
      <div className="flex flex-wrap gap-2">
        {children}
        {item.videoUrl && <a href={item.videoUrl} target="_blank" rel="noreferrer" className="px-1 py-1 text-sm text-blue-700 underline">{t('studio.history.openVideo')}</a>}
      </div>
    </li>
  );
}

function ActionButton({ item, children, onClick, disabled }: { item: HistoryItem; children: ReactNode; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" onClick={onClick} disabled={disabled} aria-describedby={item.prompt ? promptId(item) : undefined} className="rounded border border-blue-600 px-3 py-1 text-sm text-blue-700 disabled:opacity-50">
      {children}
    </button>
  );
}
