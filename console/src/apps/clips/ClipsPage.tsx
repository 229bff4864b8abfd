import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../platform/api/client';
import { putWithProgress } from './upload';
import { checkPhotos, DISTANCES, ENDINGS, GENRES, MODES, PHOTO_TYPES, price, STAGES, type ConfirmRequest } from './clips-options';
import { PhotoPicker, type PickedPhoto } from './PhotoPicker';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';

type Sliders = { realism: number; intensity: number; pace: number };

export function ClipsPage() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [mode, setMode] = useState<ConfirmRequest['mode']>('story');
  const [stage, setStage] = useState<ConfirmRequest['stage']>('teen');
  const [genre, setGenre] = useState<ConfirmRequest['genre']>('comedy');
  const [sliders, setSliders] = useState<Sliders>({ realism: 0.6, intensity: 0.4, pace: 0.7 });
  const [rewrite, setRewrite] = useState(false);
  const [rewriteText, setRewriteText] = useState('');
  const [distance, setDistance] = useState<(typeof DISTANCES)[number]>('similar');
  const [ending, setEnding] = useState<(typeof ENDINGS)[number]>('growth');

  const update = (id: string, patch: Partial<PickedPhoto>) => setPhotos((ps) => ps.map((p) => (p.id === id ? { ...p, ...patch } : p)));

  async function upload(photo: PickedPhoto) {
    try {
      const presign = unwrap(await api.POST('/api/upload/presign', { body: { mime: photo.file.type as (typeof PHOTO_TYPES)[number], size: photo.file.size } }));
      await putWithProgress(presign.uploadUrl, photo.file, (f) => update(photo.id, { progress: f }));
      update(photo.id, { progress: 1, publicUrl: presign.publicUrl });
    } catch (err) {
      update(photo.id, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  function addPhotos(files: File[]) {
    const { accepted, problems: found } = checkPhotos(files, photos.length);
    setProblems(found.map((p) => (p.kind === 'tooMany' ? t('clips.tooMany') : t(p.kind === 'badType' ? 'clips.badType' : 'clips.tooBig', { name: p.name }))));
    const added = accepted.map((i) => ({ id: crypto.randomUUID(), file: files[i]!, preview: URL.createObjectURL(files[i]!), progress: 0 }));
    setPhotos((ps) => [...ps, ...added]);
    added.forEach((p) => void upload(p));
  }

  const create = useMutation({
    mutationFn: async () => {
      const photoUrls = photos.map((p) => p.publicUrl).filter((u): u is string => Boolean(u));
      const draft = unwrap(await api.POST('/api/jobs/draft', { body: { photoUrls } }));
      return unwrap(await api.POST('/api/jobs/confirm', {
        body: {
          draftJobId: draft.draftJobId, mode, stage, genre, slidersJson: sliders,
          rewriteEnabled: rewrite, rewriteRawText: rewrite ? rewriteText : '', distanceMode: distance, desiredEnding: ending,
        },
      }));
    },
    onSuccess: (out) => {
      void client.invalidateQueries({ queryKey: ['me'] });
      navigate(`/jobs/${out.jobId}`);
    },
  });

  const ready = photos.length > 0 && photos.every((p) => p.publicUrl);
  // The server charges the rewrite only when there is text to rewrite.
  const cost = price(mode, rewrite && rewriteText.trim() !== '');

  return (
    <form
      className="grid gap-6 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) create.mutate();
      }}
    >
      <h1 className="text-2xl font-bold md:col-span-2">{t('clips.heading')}</h1>
      <section className="space-y-6">
        <PhotoPicker photos={photos} problems={problems} onAdd={addPhotos} onRemove={(id) => setPhotos((ps) => ps.filter((p) => p.id !== id))} />
        <fieldset className="space-y-2">
          <legend className="font-semibold">{t('clips.mode')}</legend>
          {MODES.map((m) => (
            <label key={m} className="flex items-center gap-2">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {t(`mode.${m}` as MessageKey)}
            </label>
          ))}
        </fieldset>
      </section>
      <section className="space-y-4">
        <Select label={t('clips.stage')} value={stage} options={STAGES} onChange={setStage} labelOf={(v) => t(`stage.${v}` as MessageKey)} />
        <Select label={t('clips.genre')} value={genre} options={GENRES} onChange={setGenre} labelOf={(v) => t(`genre.${v}` as MessageKey)} />
        {(['realism', 'intensity', 'pace'] as const).map((k) => (
          <label key={k} className="block">
            <span className="flex justify-between text-sm"><span>{t(`clips.${k}`)}</span><span>{sliders[k].toFixed(2)}</span></span>
            <input type="range" min={0} max={1} step={0.05} value={sliders[k]} className="w-full"
              onChange={(e) => setSliders((s) => ({ ...s, [k]: Number(e.target.value) }))} />
          </label>
        ))}
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={rewrite} onChange={(e) => setRewrite(e.target.checked)} />
          {t('clips.rewrite')}
        </label>
        {rewrite && (
          <div className="space-y-3">
            <label className="block">
              <span className="text-sm">{t('clips.rewriteText')}</span>
              <textarea value={rewriteText} onChange={(e) => setRewriteText(e.target.value)} maxLength={10000} rows={4}
                className="mt-1 w-full rounded border border-slate-300 p-2" aria-describedby="rewrite-hint" />
              <span id="rewrite-hint" className="text-xs text-slate-600">{t('clips.rewriteHint')}</span>
            </label>
            <Select label={t('clips.distance')} value={distance} options={DISTANCES} onChange={setDistance} labelOf={(v) => t(`distance.${v}` as MessageKey)} />
            <Select label={t('clips.ending')} value={ending} options={ENDINGS} onChange={setEnding} labelOf={(v) => t(`ending.${v}` as MessageKey)} />
          </div>
        )}
        <p className="font-medium" data-testid="price">{t('clips.price', { price: cost })}</p>
        {!ready && photos.length === 0 && <p className="text-sm text-slate-600">{t('clips.needPhoto')}</p>}
        {create.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(create.error, t)}</p>}
        <button type="submit" disabled={!ready || create.isPending}
          className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
          {create.isPending ? t('clips.creating') : t('clips.create')}
        </button>
      </section>
    </form>
  );
}

/** 429 and 402 in words, not codes. */
export function explain(err: unknown, t: ReturnType<typeof useI18n>['t']): string {
  if (err instanceof ApiError) {
    if (err.status === 429) return t('error.daily');
    if (err.status === 402) {
      const b = err.body as { needed?: number; balance?: number };
      return t('error.credits', { needed: b.needed ?? '?', balance: b.balance ?? '?' });
    }
  }
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}

function Select<T extends string>({ label, value, options, onChange, labelOf }: {
  label: string;
  value: T;
  options: readonly T[];
  onChange: (v: T) => void;
  labelOf: (v: T) => string;
}) {
  return (
    <label className="block">
      <span className="text-sm">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)} className="mt-1 w-full rounded border border-slate-300 bg-white p-2">
        {options.map((o) => <option key={o} value={o}>{labelOf(o)}</option>)}
      </select>
    </label>
  );
}
