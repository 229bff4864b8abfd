import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { moved } from './crop-geometry';
import { CropDialog } from './CropDialog';
import type { Notice } from './EntityPage';
import { galleryApi, galleryKeys, type Collection, type GalleryEntity, type GalleryImage } from './gallery-api';
import { explain } from './gallery-errors';
import { ImageViewer } from './ImageViewer';

/** The detail page's mini gallery shows this many until "더 보기" (seed "미니갤러리(최대 6)"). */
export const MINI_GALLERY = 6;

/**
 * The entity's gallery in order. Anyone who may see it opens an image larger; the owner also sets
 * the primary, deletes, crops and reorders (drag and drop, or the up/down buttons). Every change
 * reads the entity, its images and the lists again, so the header and the cards follow at once; a
 * refused order is rolled back to the server's.
 */
export function GallerySection({ collection, entity, onNotice }: { collection: Collection; entity: GalleryEntity; onNotice: (n: Notice) => void }) {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const headingId = useId();
  const id = entity.id;
  const owner = entity.is_owner;
  const key = galleryKeys.images(collection, id);
  const images = useQuery({ queryKey: key, queryFn: () => galleryApi.images(collection, id) });
  const [expanded, setExpanded] = useState(false);
  const [viewing, setViewing] = useState<number | null>(null);
  const [cropping, setCropping] = useState<GalleryImage | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [refocus, setRefocus] = useState<{ id: string; action: 'up' | 'down' } | null>(null);
  const grid = useRef<HTMLDivElement>(null);

  const refreshAll = () => client.invalidateQueries({ queryKey: galleryKeys.collection(collection) });
  const entityChanged = (e: GalleryEntity) => {
    client.setQueryData(galleryKeys.entity(collection, id), e);
    return refreshAll();
  };
  const primary = useMutation({
    mutationFn: (assetId: string) => galleryApi.setPrimary(collection, id, assetId),
    onSuccess: async (e) => {
      await entityChanged(e);
      onNotice({ text: t('gallery.image.primarySet'), tone: 'ok' });
    },
    onError: () => void refreshAll(),
  });
  const remove = useMutation({
    mutationFn: (assetId: string) => galleryApi.deleteImage(collection, id, assetId),
    onSuccess: async (e) => {
      setConfirming(null);
      await entityChanged(e);
      onNotice({ text: t('gallery.image.deleted'), tone: 'ok' });
    },
    onError: () => void refreshAll(),
  });
  const order = useMutation({
    mutationFn: (ids: string[]) => galleryApi.order(collection, id, ids),
    onMutate: async (ids) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<GalleryImage[]>(key);
      if (before) client.setQueryData(key, ids.map((x) => before.find((img) => img.id === x)!).filter(Boolean));
    },
    onSuccess: (list) => client.setQueryData(key, list),
    // Refused (ORDER_MISMATCH: the gallery changed meanwhile) or failed: the server's order again.
    onSettled: () => refreshAll(),
  });
  const error = primary.error ?? remove.error ?? order.error;

  const list = images.data ?? [];
  const shown = expanded ? list : list.slice(0, MINI_GALLERY);

  // A moved image's button keeps the focus (moving its element in the page drops it), or its other arrow at an end.
  useEffect(() => {
    if (!refocus || !grid.current) return;
    const row = grid.current.querySelector<HTMLElement>(`[data-id="${refocus.id}"]`);
    const btn = row?.querySelector<HTMLButtonElement>(`[data-move="${refocus.action}"]:not([disabled])`) ?? row?.querySelector<HTMLButtonElement>('[data-move]:not([disabled])');
    btn?.focus();
    if (!order.isPending) setRefocus(null);
  }, [refocus, list, order.isPending]);

  const move = (from: number, to: number) => {
    if (to < 0 || to >= list.length || from === to) return;
    const ids = moved(list.map((i) => i.id), from, to);
    order.mutate(ids, { onSuccess: () => onNotice({ text: t('gallery.image.moved', { n: from + 1, to: to + 1 }), tone: 'ok' }) });
  };
  const drop = (e: DragEvent, target: string) => {
    e.preventDefault();
    const from = list.findIndex((i) => i.id === (dragging ?? e.dataTransfer.getData('text/plain')));
    const to = list.findIndex((i) => i.id === target);
    setDragging(null);
    if (from >= 0 && to >= 0) move(from, to);
  };
  // The grid's arrows: Left/Right go along an image's controls, Up/Down to the same control of the previous or next image.
  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const here = e.target as HTMLElement;
    const row = here.closest('[role="row"]');
    if (!row || !grid.current || !['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) return;
    const live = (el: Element | null | undefined) => [...(el?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? [])];
    let target: HTMLButtonElement | undefined;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const mine = live(row);
      target = mine[mine.indexOf(here as HTMLButtonElement) + (e.key === 'ArrowLeft' ? -1 : 1)];
    } else {
      const rows = [...grid.current.querySelectorAll('[role="row"]')];
      const next = rows[rows.indexOf(row) + (e.key === 'ArrowUp' ? -1 : 1)];
      const action = here.getAttribute('data-action');
      target = live(next).find((b) => b.getAttribute('data-action') === action) ?? live(next)[0];
    }
    if (!target) return;
    e.preventDefault();
    target.focus();
  };
  const name = (i: number) => t('gallery.image.label', { n: i + 1 });
  const action = (label: string, i: number) => t('gallery.image.action', { action: label, n: i + 1 });
  // Finger-sized on phones, compact from sm up.
  const btn = 'min-h-10 min-w-10 rounded border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-40 sm:min-h-0 sm:min-w-0 sm:px-2 sm:py-1 sm:text-xs';

  const thumb = (img: GalleryImage, i: number) => (
    <button type="button" data-action="open" onClick={() => setViewing(i)} aria-label={t('gallery.image.open', { n: i + 1 })} className="block w-full overflow-hidden rounded bg-slate-100">
      <img src={img.url} alt={name(i)} draggable={false} className="aspect-[3/4] w-full object-cover" data-testid="gallery-thumb" />
    </button>
  );
  const primaryBadge = (img: GalleryImage) =>
    img.is_primary && <span className="absolute left-2 top-2 rounded bg-blue-600 px-2 py-0.5 text-xs font-semibold text-white">{t('gallery.image.primary')}</span>;

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">{t('gallery.images', { n: list.length })}</h2>
      {images.isPending && <p aria-busy="true">{t('gallery.loading')}</p>}
      {images.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(images.error, t, lang)}</p>}
      {error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800" data-testid="gallery-error">{explain(error, t, lang)}</p>}
      {images.data?.length === 0 && <p className="text-slate-600">{t('gallery.images.empty')}</p>}
      {list.length > 0 && !owner && (
        <ul className="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="gallery-grid">
          {shown.map((img, i) => (
            <li key={img.id} className="relative" data-testid="gallery-item" data-id={img.id}>
              {thumb(img, i)}
              {primaryBadge(img)}
            </li>
          ))}
        </ul>
      )}
      {list.length > 0 && owner && (
        // The grid pattern (valid with buttons in its cells, unlike listbox options): one row per image, its cell selected when it is the primary.
        <div ref={grid} role="grid" aria-label={t('gallery.images.manage')} aria-busy={order.isPending} onKeyDown={onGridKey}
          className="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="gallery-grid">
          {shown.map((img, i) => (
            <div key={img.id} role="row" data-testid="gallery-item" data-id={img.id} draggable
              onDragStart={(e) => {
                e.dataTransfer.setData('text/plain', img.id);
                e.dataTransfer.effectAllowed = 'move';
                setDragging(img.id);
              }}
              onDragOver={(e) => {
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
              }}
              onDrop={(e) => drop(e, img.id)}
              onDragEnd={() => setDragging(null)}
              className={`rounded-lg border bg-white p-2 ${img.is_primary ? 'border-blue-600 ring-2 ring-blue-600' : 'border-slate-200'} ${dragging === img.id ? 'opacity-50' : ''}`}>
              <div role="gridcell" aria-selected={img.is_primary} className="relative space-y-2">
                {thumb(img, i)}
                {primaryBadge(img)}
                {confirming === img.id ? (
                  <div className="space-y-1 text-sm">
                    <p>{t('gallery.image.confirmDelete', { n: i + 1 })}</p>
                    <div className="flex gap-1">
                      <button type="button" className={`${btn} border-red-400 text-red-800`} onClick={() => remove.mutate(img.id)} disabled={remove.isPending}>{t('gallery.image.confirm')}</button>
                      <button type="button" className={btn} onClick={() => setConfirming(null)}>{t('gallery.image.keep')}</button>
                    </div>
                  </div>
                ) : (
                  <div className="flex flex-wrap gap-1">
                    <button type="button" className={btn} data-action="primary" disabled={img.is_primary || primary.isPending} onClick={() => primary.mutate(img.id)}
                      aria-label={action(t('gallery.image.setPrimary'), i)}>{t('gallery.image.setPrimary')}</button>
                    <button type="button" className={btn} data-action="delete" onClick={() => setConfirming(img.id)} aria-label={action(t('gallery.image.delete'), i)}>{t('gallery.image.delete')}</button>
                    <button type="button" className={btn} data-action="crop" onClick={() => setCropping(img)} disabled={img.status !== 'ready'}
                      aria-label={action(t('gallery.image.crop'), i)}>{t('gallery.image.crop')}</button>
                    <button type="button" className={btn} data-move="up" data-action="up" disabled={i === 0 || order.isPending}
                      onClick={() => {
                        setRefocus({ id: img.id, action: 'up' });
                        move(i, i - 1);
                      }} aria-label={action(t('gallery.image.up'), i)}>↑</button>
                    <button type="button" className={btn} data-move="down" data-action="down" disabled={i === list.length - 1 || order.isPending}
                      onClick={() => {
                        setRefocus({ id: img.id, action: 'down' });
                        move(i, i + 1);
                      }} aria-label={action(t('gallery.image.down'), i)}>↓</button>
                  </div>
                )}
              </div>
            </div>
          ))}
        </div>
      )}
      {list.length > MINI_GALLERY && (
        <button type="button" onClick={() => setExpanded((x) => !x)} aria-expanded={expanded} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100">
          {expanded ? t('gallery.images.less') : t('gallery.images.more', { n: list.length - MINI_GALLERY })}
        </button>
      )}
      {viewing !== null && list.length > 0 && (
        <ImageViewer images={list} index={Math.min(viewing, list.length - 1)} onIndex={setViewing} onClose={() => setViewing(null)} />
      )}
      {cropping && (
        <CropDialog collection={collection} entityId={id} image={cropping} n={list.findIndex((i) => i.id === cropping.id) + 1}
          onClose={() => setCropping(null)} onDone={() => {
            setCropping(null);
            onNotice({ text: t('gallery.image.cropped'), tone: 'ok' });
          }} />
      )}
    </section>
  );
}
