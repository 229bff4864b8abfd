import { useId } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { MAX_PHOTOS } from './clips-options';

export interface PickedPhoto {
  id: string;
  file: File;
  preview: string;
  progress: number;
  publicUrl?: string;
  error?: string;
}

export function PhotoPicker({ photos, onAdd, onRemove, problems }: {
  photos: PickedPhoto[];
  onAdd: (files: File[]) => void;
  onRemove: (id: string) => void;
  problems: string[];
}) {
  const { t } = useI18n();
  const inputId = useId();
  return (
    <fieldset className="space-y-3">
      <legend className="font-semibold">{t('clips.photos')}</legend>
      <div>
        <label htmlFor={inputId} className="inline-block cursor-pointer rounded bg-slate-800 px-4 py-2 text-sm font-medium text-white focus-within:outline">
          {t('clips.addPhotos')}
        </label>
        <input
          id={inputId}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          disabled={photos.length >= MAX_PHOTOS}
          className="sr-only"
          aria-label={t('clips.addPhotos')}
          onChange={(e) => {
            onAdd([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </div>
      {problems.length > 0 && (
        <ul role="alert" className="space-y-1 text-sm text-red-700">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      <ul className="grid grid-cols-3 gap-3">
        {photos.map((p) => (
          <li key={p.id} className="relative overflow-hidden rounded border border-slate-200 bg-white">
            <img src={p.preview} alt={p.file.name} className="aspect-square w-full object-cover" />
            <div className="p-1 text-xs">
              {p.error ? (
                <span className="text-red-700">{p.error}</span>
              ) : p.publicUrl ? (
                t('clips.uploaded')
              ) : (
                <>
                  <span>{t('clips.uploading', { percent: Math.round(p.progress * 100) })}</span>
                  <progress className="block w-full" max={1} value={p.progress} aria-label={t('clips.uploading', { percent: Math.round(p.progress * 100) })} />
                </>
              )}
            </div>
            <button
              type="button"
              onClick={() => onRemove(p.id)}
              aria-label={`${t('clips.removePhoto')}: ${p.file.name}`}
              className="absolute right-1 top-1 rounded bg-white/90 px-2 text-sm"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
