import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import { entityName, galleryApi, galleryKeys, GALLERY_PATH, type Collection, type GalleryEntity } from './gallery-api';
import { explain } from './gallery-errors';
import { kindWords } from './gallery-words';
import { GallerySection } from './GallerySection';
import { BatchWatcher, ImageGenerateModal, type SentBatch } from './ImageGenerateModal';
import { Toast } from './Dialog';

/** A toast's text; `sticky` ones (a batch's counts) stay until closed. */
export type Notice = { text: string; tone: 'ok' | 'warn'; sticky?: boolean };

/** The fields an entity shows under its name, as its kind has them. */
const SHOWN_FIELDS = ['description', 'personality', 'speech_style', 'world_summary', 'original_world', 'synopsis', 'excerpt'] as const;

/**
 * /gallery/:collection/:id: the primary image at the top, "대표이미지 생성" for the owner only,
 * and the gallery (the owner manages it). A finished batch or an action says so in a toast.
 */
export function EntityPage({ collection, id }: { collection: Collection; id: string }) {
  const { t, lang } = useI18n();
  const entity = useQuery({ queryKey: galleryKeys.entity(collection, id), queryFn: () => galleryApi.entity(collection, id) });
  const [generating, setGenerating] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [batch, setBatch] = useState<SentBatch | null>(null);
  const back = `${GALLERY_PATH}?tab=${collection}`;
  return (
    <div className="space-y-6 pb-24">
      <a href={back} onClick={(e) => {
        e.preventDefault();
        navigate(back);
      }} className="text-sm text-blue-700 underline">{t('gallery.back')}</a>
      {entity.isPending && <p aria-busy="true">{t('gallery.loading')}</p>}
      {entity.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(entity.error, t, lang)}</p>}
      {entity.data && (
        <>
          <EntityHeader entity={entity.data} onGenerate={() => setGenerating(true)} />
          {batch && <BatchWatcher key={batch.jobId} collection={collection} jobId={batch.jobId} modalOpen={generating} onOpen={() => setGenerating(true)} onNotice={setNotice} />}
          <GallerySection collection={collection} entity={entity.data} onNotice={setNotice} />
          {generating && entity.data.is_owner && (
            <ImageGenerateModal collection={collection} entity={entity.data} batch={batch} onBatch={setBatch} onClose={() => setGenerating(false)} />
          )}
        </>
      )}
      {notice && <Toast text={notice.text} tone={notice.tone} sticky={notice.sticky} onClose={() => setNotice(null)} />}
    </div>
  );
}

function EntityHeader({ entity, onGenerate }: { entity: GalleryEntity; onGenerate: () => void }) {
  const { t } = useI18n();
  const name = entityName(entity);
  const fields = entity as unknown as Record<string, string | undefined>;
  return (
    <header className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_minmax(0,1fr)]">
      <div className="aspect-[3/4] w-full max-w-64 overflow-hidden rounded-lg bg-slate-100">
        {entity.avatar_url
          ? <img src={entity.avatar_url} alt={t('gallery.detail.primaryAlt', { name })} className="h-full w-full object-cover" data-testid="primary-image" />
          : <div className="flex h-full items-center justify-center p-4 text-center text-sm text-slate-500">{t('gallery.detail.noImage')}</div>}
      </div>
      <div className="min-w-0 space-y-3">
        <p className="text-sm text-slate-600">
          {kindWords(entity.entity_type, t)} · {t(entity.is_public ? 'gallery.public.yes' : 'gallery.public.no')}
        </p>
        <h1 className="break-words text-2xl font-bold">{name}</h1>
        <dl className="space-y-2 text-sm">
          {SHOWN_FIELDS.filter((f) => fields[f]).map((f) => (
            <div key={f}>
              <dt className="font-medium text-slate-600">{t(`gallery.field.${f}`)}</dt>
              <dd className="whitespace-pre-wrap break-words">{fields[f]}</dd>
            </div>
          ))}
        </dl>
        {entity.is_owner && (
          <button type="button" onClick={onGenerate} className="rounded bg-blue-600 px-4 py-2 font-medium text-white hover:bg-blue-700">
            {t('gallery.generate')}
          </button>
        )}
      </div>
    </header>
  );
}
