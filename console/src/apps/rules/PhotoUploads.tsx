import { useId } from 'react';
import { useI18n } from '../../platform/i18n/i18n';

export interface PickedPhoto {
  file: File;
  /** An object URL of the file, for its thumbnail. */
  preview: string;
  /** 0 to 1, from the upload's progress events. */
  progress: number;
  /** Why it did not get through (upload refused, or named by confirm-upload), in words. */
  problem?: string;
}

/** The photos of a batch: the picker, then each photo's thumbnail and upload bar, and the overall bar. */
export function PhotoUploads({ photos, locked, onAdd, onRemove }: {
  photos: PickedPhoto[];
  /** Once the job is made its photos are fixed: no adding or removing. */
  locked: boolean;
  onAdd: (files: File[]) => void;
  onRemove: (index: number) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const overall = photos.length ? photos.reduce((a, p) => a + p.file.size * p.progress, 0) / Math.max(1, photos.reduce((a, p) => a + p.file.size, 0)) : 0;
  const percent = (f: number) => Math.round(f * 100);
  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={id} className="block text-sm font-medium">{t('rules.batch.photos')}</label>
        <input id={id} type="file" multiple accept="image/jpeg,image/png,image/webp" disabled={locked} className="mt-1 max-w-full text-sm"
          onChange={(e) => {
            onAdd([...(e.target.files ?? [])]);
            e.target.value = '';
          }} />
      </div>
      {locked && (
        <div>
          <p className="text-sm" data-testid="overall-progress">{t('rules.batch.overall')} {percent(overall)}%</p>
          <progress className="h-3 w-full" max={1} value={overall} aria-label={t('rules.batch.overall')} />
        </div>
      )}
      {photos.length > 0 && (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-5" data-testid="picked-photos">
          {photos.map((p, i) => (
            <li key={p.preview} className="relative min-w-0 overflow-hidden rounded border border-slate-200 bg-white">
              <img src={p.preview} alt={p.file.name} className="aspect-square w-full object-cover" />
              <div className="space-y-1 p-1 text-xs">
                <p className="truncate" title={p.file.name}>{p.file.name}</p>
                {locked && (
                  <progress className="block h-2 w-full" max={1} value={p.progress}
                    aria-label={t('rules.batch.photoProgress', { name: p.file.name, percent: percent(p.progress) })} />
                )}
                {p.problem && <p className="text-red-700">{p.problem}</p>}
              </div>
              {!locked && (
                <button type="button" onClick={() => onRemove(i)} aria-label={`${t('rules.mine.delete')}: ${p.file.name}`}
                  className="absolute right-1 top-1 rounded bg-white/90 px-2 text-sm">×</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
