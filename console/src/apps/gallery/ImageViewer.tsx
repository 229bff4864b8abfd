import { useI18n } from '../../platform/i18n/i18n';
import { Dialog } from './Dialog';
import type { GalleryImage } from './gallery-api';

/** An image of the gallery enlarged, in a dialog: Esc closes, the arrow keys (and the buttons) move to the previous or next. */
export function ImageViewer({ images, index, onIndex, onClose }: {
  images: readonly GalleryImage[];
  index: number;
  onIndex: (i: number) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const total = images.length;
  const go = (i: number) => onIndex((i + total) % total);
  const img = images[index]!;
  return (
    <Dialog title={t('gallery.viewer', { n: index + 1, total })} onClose={onClose} wide testId="image-viewer"
      onKey={(e) => {
        if (e.key === 'ArrowLeft') go(index - 1);
        else if (e.key === 'ArrowRight') go(index + 1);
        else return;
        e.preventDefault();
      }}>
      <div className="space-y-3">
        <img src={img.url} alt={t('gallery.image.label', { n: index + 1 })} className="mx-auto max-h-[70vh] w-auto max-w-full rounded" data-testid="viewer-image" />
        <div className="flex items-center justify-between gap-2">
          <button type="button" onClick={() => go(index - 1)} disabled={total < 2} className="rounded border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100 disabled:opacity-40">
            ← {t('gallery.viewer.prev')}
          </button>
          <p className="text-sm text-slate-600">{t('gallery.viewer.hint')}</p>
          <button type="button" onClick={() => go(index + 1)} disabled={total < 2} data-autofocus className="rounded border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100 disabled:opacity-40">
            {t('gallery.viewer.next')} →
          </button>
        </div>
      </div>
    </Dialog>
  );
}
