import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { Dialog } from './Dialog';
import type { Notice } from './EntityPage';
import {
  batchEnded, galleryApi, galleryKeys, KIND_OF, type Collection, type GalleryBatch, type GalleryEntity, type GalleryOptions, type GenerateRequest,
  type PromptPrefill, type Ratio, type Style,
} from './gallery-api';
import { explain } from './gallery-errors';
import { batchSummary, choiceWords } from './gallery-words';

/** How often a running batch is read (the server asks for every 2-3 s); an object, so tests can make it short. */
export const BATCH_POLL = { ms: 2000 };
/** The server's longest prompt (MAX_PROMPT_CHARS) and negative prompt, in UTF-16 units as both it and `maxLength` count. */
const MAX_PROMPT = 2000;
const MAX_NEGATIVE = 1000;

/**
 * "대표이미지 생성" (seed 004 ImageGenerateModal): the form filled from the entity (prompt-prefill),
 * its price and today's use; then the batch as a grid of `count` cells, each busy until its image
 * (or its failure) arrives, a cancel button, and at the end a toast of the counts and a retry of
 * the ones that did not make it.
 */
export function ImageGenerateModal({ collection, entity, batch, onBatch, onClose }: {
  collection: Collection;
  entity: GalleryEntity;
  /** The batch sent last: the page keeps it, so closing the modal does not lose it (BatchWatcher). */
  batch: SentBatch | null;
  onBatch: (b: SentBatch | null) => void;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const options = useQuery({ queryKey: galleryKeys.options, queryFn: galleryApi.options });
  const prefill = useQuery({ queryKey: galleryKeys.prefill(collection, entity.id), queryFn: () => galleryApi.prefill(collection, entity.id), staleTime: Infinity });
  const generate = useMutation({
    mutationFn: async (request: GenerateRequest): Promise<SentBatch> => ({ jobId: (await galleryApi.generate(request)).job_id, request }),
    onSuccess: onBatch,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['me'] });
      void client.invalidateQueries({ queryKey: galleryKeys.options });
    },
  });
  const error = options.error ?? prefill.error;
  return (
    <Dialog title={t('gallery.modal.title')} onClose={onClose} wide testId="generate-modal">
      {(options.isPending || prefill.isPending) && !error && <p aria-busy="true">{t('gallery.loading')}</p>}
      {error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(error, t, lang)}</p>}
      {options.data && prefill.data && (
        <div className="space-y-4">
          {/* The form stays (hidden) while a batch runs, so a new batch starts from what was sent. */}
          <div hidden={batch !== null}>
            <GenerateForm options={options.data} prefill={prefill.data} collection={collection} entityId={entity.id}
              pending={generate.isPending} onSubmit={(r) => generate.mutate(r)} />
          </div>
          {generate.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800" data-testid="generate-error">{explain(generate.error, t, lang)}</p>}
          {batch && (
            <BatchView key={batch.jobId} entityId={entity.id} jobId={batch.jobId} request={batch.request}
              price={options.data.price_per_image} retryPending={generate.isPending}
              onRetry={(count) => generate.mutate(retryOf(batch.request, count))} onAgain={() => onBatch(null)} />
          )}
        </div>
      )}
    </Dialog>
  );
}

function GenerateForm({ options, prefill, collection, entityId, pending, onSubmit }: {
  options: GalleryOptions;
  prefill: PromptPrefill;
  collection: Collection;
  entityId: string;
  pending: boolean;
  onSubmit: (r: GenerateRequest) => void;
}) {
  const { t } = useI18n();
  const [prompt, setPrompt] = useState(prefill.prompt.slice(0, MAX_PROMPT));
  const [negative, setNegative] = useState('');
  const [count, setCount] = useState(Math.min(options.max_count, prefill.count || options.default_count));
  const [style, setStyle] = useState<Style>(prefill.style);
  const [ratio, setRatio] = useState<Ratio>(prefill.ratio ?? '3:4');
  const [seed, setSeed] = useState('');
  const [variation, setVariation] = useState('');
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const charsId = useId();
  useEffect(() => promptRef.current?.focus(), []);
  const total = count * options.price_per_image;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({
      entity_type: KIND_OF[collection], entity_id: entityId, count, prompt: prompt.trim(), style, ratio,
      ...(negative.trim() ? { negative_prompt: negative.trim() } : {}),
      ...(seed.trim() ? { seed: Number(seed) } : {}),
      ...(variation.trim() ? { variation_strength: Number(variation) } : {}),
    });
  };
  const field = 'mt-1 w-full rounded border border-slate-300 px-3 py-2';
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <label className="block text-sm font-medium">
          {t('gallery.modal.prompt')}
          <textarea ref={promptRef} data-autofocus rows={4} required maxLength={MAX_PROMPT} value={prompt} onChange={(e) => setPrompt(e.target.value)}
            aria-describedby={charsId} className={`${field} whitespace-pre-wrap break-words`} />
        </label>
        <p id={charsId} className="text-right text-xs text-slate-500" data-testid="prompt-chars">{t('gallery.modal.chars', { n: prompt.length, max: MAX_PROMPT })}</p>
      </div>
      <label className="block text-sm font-medium sm:col-span-2">
        {t('gallery.modal.negative')}
        <textarea rows={2} maxLength={MAX_NEGATIVE} value={negative} onChange={(e) => setNegative(e.target.value)} className={field} />
      </label>
      <label className="block text-sm font-medium">
        {t('gallery.modal.count')}
        <select value={count} onChange={(e) => setCount(Number(e.target.value))} className={field}>
          {Array.from({ length: options.max_count }, (_, i) => i + 1).map((n) => <option key={n} value={n}>{t('gallery.modal.countN', { n })}</option>)}
        </select>
      </label>
      <label className="block text-sm font-medium">
        {t('gallery.modal.style')}
        <select value={style} onChange={(e) => setStyle(e.target.value as Style)} className={field}>
          {options.styles.map((s) => <option key={s} value={s}>{choiceWords('style', s, t)}</option>)}
        </select>
      </label>
      <label className="block text-sm font-medium">
        {t('gallery.modal.ratio')}
        <select value={ratio} onChange={(e) => setRatio(e.target.value as Ratio)} className={field}>
          {options.ratios.map((r) => <option key={r} value={r}>{choiceWords('ratio', r, t)}</option>)}
        </select>
      </label>
      <label className="block text-sm font-medium">
        {t('gallery.modal.seed')}
        <input type="number" inputMode="numeric" min={0} max={2 ** 31 - 2} step={1} value={seed} onChange={(e) => setSeed(e.target.value)} className={field} />
      </label>
      <label className="block text-sm font-medium">
        {t('gallery.modal.variation')}
        <input type="number" inputMode="decimal" min={0} max={1} step="any" value={variation} onChange={(e) => setVariation(e.target.value)} className={field} />
      </label>
      <div className="space-y-1 text-sm sm:col-span-2" data-testid="generate-price">
        <p>{t('gallery.modal.price', { total, count, price: options.price_per_image })}</p>
        {options.images_per_day !== null && (
          <p className="text-slate-600">{t('gallery.modal.usage', { today: options.images_today ?? 0, limit: options.images_per_day })}</p>
        )}
      </div>
      <div className="sm:col-span-2">
        <button type="submit" disabled={pending || !prompt.trim()} className="rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50">
          {pending ? t('gallery.modal.submitting') : t('gallery.modal.submit', { count, total })}
        </button>
      </div>
    </form>
  );
}

/** The CSS aspect ratio of a cell, from the batch's ratio ('3:4' -> '3 / 4'). */
const aspect = (ratio: string) => ratio.replace(':', ' / ');

/**
 * The retry of a batch's failed and blocked images: the same request for `count` images, without
 * its seed. Image i of a batch is made from seed + i, so the same seed would make the first images
 * again, and the server's duplicate guard would block them.
 */
export function retryOf(request: GenerateRequest, count: number): GenerateRequest {
  const { seed: _seed, ...rest } = request;
  return { ...rest, count };
}

/** A batch as sent: its job and the request (for its cells' ratio and a retry). */
export type SentBatch = { jobId: string; request: GenerateRequest };

/** The batch read every BATCH_POLL.ms until it ends; the modal's view and the page's watcher share the one query. */
const useBatch = (jobId: string) => useQuery({
  queryKey: galleryKeys.batch(jobId),
  queryFn: () => galleryApi.batch(jobId),
  refetchInterval: (q) => (q.state.data && batchEnded(q.state.data.status) ? false : BATCH_POLL.ms),
});

/**
 * The page's side of a batch, there whether the modal is open or not: as images arrive the gallery,
 * the header (the first becomes the primary) and the cards are read again; at the end the balance
 * too (refunds), and the toast says how it went. With the modal closed, a line says it still runs.
 */
export function BatchWatcher({ collection, jobId, modalOpen, onOpen, onNotice }: {
  collection: Collection;
  jobId: string;
  modalOpen: boolean;
  onOpen: () => void;
  onNotice: (n: Notice) => void;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const b = useBatch(jobId).data;
  const arrived = b?.results.length ?? 0;
  const ended = b ? batchEnded(b.status) : false;
  useEffect(() => {
    if (arrived > 0) void client.invalidateQueries({ queryKey: galleryKeys.collection(collection) });
  }, [arrived]);
  useEffect(() => {
    if (!ended || !b) return;
    void client.invalidateQueries({ queryKey: ['me'] });
    void client.invalidateQueries({ queryKey: galleryKeys.collection(collection) });
    void client.invalidateQueries({ queryKey: galleryKeys.options });
    onNotice(endNotice(b, t));
  }, [ended]);
  if (modalOpen || !b || ended) return null;
  return (
    <p role="status" className="flex flex-wrap items-center gap-3 rounded bg-blue-50 p-3 text-blue-900" data-testid="batch-running">
      {t('gallery.running', { done: b.succeeded + b.errors.length, count: b.count })}
      <button type="button" onClick={onOpen} className="rounded border border-blue-300 bg-white px-3 py-1 text-sm">{t('gallery.running.open')}</button>
    </p>
  );
}

function BatchView({ entityId, jobId, request, price, retryPending, onRetry, onAgain }: {
  entityId: string;
  jobId: string;
  request: GenerateRequest;
  price: number;
  retryPending: boolean;
  onRetry: (count: number) => void;
  onAgain: () => void;
}) {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const batch = useBatch(jobId);
  const cancel = useMutation({
    mutationFn: () => galleryApi.cancel(jobId),
    onSuccess: (answer) => client.setQueryData(galleryKeys.batch(jobId), answer),
    onError: () => void client.invalidateQueries({ queryKey: galleryKeys.batch(jobId) }),
  });
  const heading = useRef<HTMLHeadingElement>(null);
  const b = batch.data;
  const loaded = b !== undefined;
  // The form is hidden once the batch starts: the focus goes to its results.
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);
  const ended = b ? batchEnded(b.status) : false;

  if (batch.isPending) return <p aria-busy="true">{t('gallery.loading')}</p>;
  if (batch.error || !b) return <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(batch.error, t, lang)}</p>;
  const settled = b.succeeded + b.errors.length;
  const again = b.failed + b.blocked;
  return (
    <section aria-labelledby={`${jobId}-h`} className="space-y-3" data-testid="batch-view" data-entity={entityId}>
      <h3 id={`${jobId}-h`} ref={heading} tabIndex={-1} className="font-semibold">{t('gallery.modal.results')}</h3>
      <div className="flex items-center gap-3">
        <progress className="h-3 flex-1" max={b.count} value={ended ? b.count : settled} aria-label={t('gallery.modal.progress')} />
        <span className="text-sm" aria-live="polite" data-testid="batch-progress">{t('gallery.modal.progressText', { done: settled, count: b.count })}</span>
      </div>
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="batch-grid">
        {Array.from({ length: b.count }, (_, index) => {
          const result = b.results.find((r) => r.index === index);
          const failure = b.errors.find((e) => e.index === index);
          const n = index + 1;
          const cell = 'overflow-hidden rounded bg-slate-100';
          if (result) {
            return (
              <li key={index} aria-busy="false" className={cell} style={{ aspectRatio: aspect(request.ratio) }} data-testid="batch-cell" data-state="done">
                <img src={result.url} alt={t('gallery.modal.cell.done', { n })} className="h-full w-full object-cover" />
              </li>
            );
          }
          if (failure || ended) {
            const blocked = failure?.kind === 'blocked';
            return (
              <li key={index} aria-busy="false" className={`${cell} flex items-center justify-center p-2 text-center text-xs ${blocked ? 'bg-amber-50 text-amber-900' : 'bg-red-50 text-red-800'}`}
                style={{ aspectRatio: aspect(request.ratio) }} data-testid="batch-cell" data-state={blocked ? 'blocked' : 'failed'} title={failure?.message}>
                {t(blocked ? 'gallery.modal.cell.blocked' : 'gallery.modal.cell.failed', { n })}
              </li>
            );
          }
          return (
            <li key={index} aria-busy="true" aria-label={t('gallery.modal.cell.waiting', { n })} className={`${cell} animate-pulse bg-slate-200`}
              style={{ aspectRatio: aspect(request.ratio) }} data-testid="batch-cell" data-state="waiting" />
          );
        })}
      </ul>
      {cancel.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(cancel.error, t, lang)}</p>}
      <div className="flex flex-wrap gap-2">
        {!ended && (
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} className="rounded border border-slate-400 px-4 py-2 font-medium disabled:opacity-50">
            {cancel.isPending ? t('gallery.modal.cancelling') : t('gallery.modal.cancel')}
          </button>
        )}
        {ended && again > 0 && (
          <button type="button" onClick={() => onRetry(again)} disabled={retryPending} className="rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50">
            {t('gallery.modal.retry', { n: again, total: again * price })}
          </button>
        )}
        {ended && (
          <button type="button" onClick={onAgain} className="rounded border border-slate-400 px-4 py-2 font-medium">{t('gallery.modal.again')}</button>
        )}
      </div>
    </section>
  );
}

/** The toast of a finished batch: the counts (and refunds), said as a cancel or a failure when it was one. */
function endNotice(b: GalleryBatch, t: ReturnType<typeof useI18n>['t']): Notice {
  const summary = batchSummary(b, t);
  if (b.status === 'cancelled') return { text: `${t('gallery.toast.cancelled')} ${summary}`, tone: 'warn', sticky: true };
  if (b.status === 'failed' && b.error) return { text: `${t('gallery.toast.jobFailed', { message: b.error.message })} ${summary}`, tone: 'warn', sticky: true };
  return { text: summary, tone: b.failed + b.blocked === 0 ? 'ok' : 'warn', sticky: true };
}
