import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type PointerEvent } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { boxStyle, initialBox, keyBox, moveBox, resizeBox, toSource, type Box } from './crop-geometry';
import { Dialog } from './Dialog';
import { galleryApi, galleryKeys, type Collection, type GalleryImage } from './gallery-api';
import { explain } from './gallery-errors';

type Drag = { mode: 'move' | 'resize'; x: number; y: number; start: Box };

/**
 * Crop (seed "크롭"): the image with a box over it, moved by dragging it or the arrow keys and
 * resized by its corner handle or Shift+arrows. The box is kept in the source image's pixels and
 * drawn in percentages, so what is sent is the source rectangle however small the image is shown.
 */
export function CropDialog({ collection, entityId, image, n, onClose, onDone }: {
  collection: Collection;
  entityId: string;
  image: GalleryImage;
  n: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const hintId = useId();
  const sizeId = useId();
  // The server's width and height; the loaded image's own when it has none.
  const [size, setSize] = useState(image.width && image.height ? { width: image.width, height: image.height } : null);
  const [box, setBox] = useState<Box | null>(size ? initialBox(size.width, size.height) : null);
  const shown = useRef<HTMLImageElement>(null);
  const drag = useRef<Drag | null>(null);
  const crop = useMutation({
    mutationFn: (b: Box) => galleryApi.crop(collection, entityId, image.id, b),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: galleryKeys.collection(collection) });
      onDone();
    },
  });

  const start = (mode: Drag['mode']) => (e: PointerEvent<HTMLDivElement>) => {
    if (!box) return;
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drag.current = { mode, x: e.clientX, y: e.clientY, start: box };
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || !size || !shown.current) return;
    const dx = toSource(e.clientX - d.x, shown.current.clientWidth, size.width);
    const dy = toSource(e.clientY - d.y, shown.current.clientHeight, size.height);
    setBox(d.mode === 'move' ? moveBox(d.start, dx, dy, size.width, size.height) : resizeBox(d.start, dx, dy, size.width, size.height));
  };
  const end = () => void (drag.current = null);

  return (
    <Dialog title={t('gallery.crop.title', { n })} onClose={onClose} wide testId="crop-dialog">
      <div className="space-y-3">
        <p id={hintId} className="text-sm text-slate-600">{t('gallery.crop.hint')}</p>
        <div className="relative mx-auto w-fit touch-none select-none overflow-hidden" onPointerMove={onMove} onPointerUp={end} onPointerCancel={end}>
          <img ref={shown} src={image.url} alt={t('gallery.image.label', { n })} draggable={false} className="block max-h-[60vh] w-auto max-w-full"
            onLoad={(e) => {
              if (size) return;
              const el = e.currentTarget;
              setSize({ width: el.naturalWidth, height: el.naturalHeight });
              setBox(initialBox(el.naturalWidth, el.naturalHeight));
            }} />
          {box && size && (
            <div role="group" tabIndex={0} aria-label={t('gallery.crop.box')} aria-describedby={`${hintId} ${sizeId}`} data-autofocus data-testid="crop-box"
              style={boxStyle(box, size.width, size.height)} onPointerDown={start('move')}
              onKeyDown={(e) => {
                const next = keyBox(e.key, e.shiftKey, box, size.width, size.height);
                if (!next) return;
                e.preventDefault();
                setBox(next);
              }}
              className="absolute cursor-move border-2 border-white shadow-[0_0_0_9999px_rgba(0,0,0,0.45)] outline-offset-2 focus-visible:outline-blue-500">
              <div aria-hidden="true" title={t('gallery.crop.handle')} onPointerDown={start('resize')} data-testid="crop-handle"
                className="absolute bottom-0 right-0 h-5 w-5 cursor-nwse-resize rounded-full border-2 border-white bg-blue-600" />
            </div>
          )}
        </div>
        {box && <p id={sizeId} aria-live="polite" className="text-sm" data-testid="crop-size">{t('gallery.crop.size', { ...box })}</p>}
        {crop.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(crop.error, t, lang)}</p>}
        <button type="button" disabled={!box || crop.isPending} onClick={() => box && crop.mutate(box)} className="rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50">
          {crop.isPending ? t('gallery.crop.saving') : t('gallery.crop.save')}
        </button>
      </div>
    </Dialog>
  );
}
