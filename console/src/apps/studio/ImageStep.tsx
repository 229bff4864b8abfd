import { useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import type { StudioImage, StudioOptions, VideoSeconds } from './studio-api';
import { explain } from './studio-errors';
import { priceWords } from './studio-words';

/**
 * Step 3: a placeholder of the image's shape while it is made (seconds), then the image and the
 * form that makes a video from it, with its length.
 */
export function ImageStep({ image, pending, ratio, options, onVideo, videoPending, videoError }: {
  image: StudioImage | null;
  pending: boolean;
  /** The ratio asked for, `16:9`: the placeholder's shape. */
  ratio: string;
  options: StudioOptions;
  onVideo: (seconds: VideoSeconds) => void;
  videoPending: boolean;
  videoError: unknown;
}) {
  const { t } = useI18n();
  const [seconds, setSeconds] = useState(options.videoSeconds[0] as VideoSeconds);
  return (
    <div className="space-y-3">
      {pending ? (
        <div role="status" data-testid="image-skeleton" className="flex w-full animate-pulse items-center justify-center rounded bg-slate-200 p-4 text-center text-sm text-slate-700"
          style={{ aspectRatio: ratio.replace(':', ' / ') }}>
          {t('studio.makingImage')}
        </div>
      ) : image && (
        <figure className="space-y-1">
          <img src={image.imageUrl} alt={t('studio.image.alt')} width={image.width} height={image.height} className="h-auto w-full rounded bg-slate-100" data-testid="studio-image" />
          <figcaption><a href={image.imageUrl} target="_blank" rel="noreferrer" className="text-sm text-blue-700 underline">{t('studio.image.open')}</a></figcaption>
        </figure>
      )}
      {image && !pending && (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            onVideo(seconds);
          }}
        >
          <fieldset className="flex flex-wrap gap-4">
            <legend className="mb-1 text-sm font-medium">{t('studio.seconds')}</legend>
            {options.videoSeconds.map((s) => (
              <label key={s} className="flex items-center gap-2">
                <input type="radio" name="studio-seconds" value={s} checked={seconds === s} onChange={() => setSeconds(s as VideoSeconds)} />
                {t('studio.secondsN', { n: s })}
              </label>
            ))}
          </fieldset>
          {videoError ? <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(videoError, t)}</p> : null}
          <button type="submit" disabled={videoPending} className="w-full rounded bg-blue-600 px-4 py-3 font-semibold text-white disabled:opacity-50">
            {t('studio.makeVideo', { price: priceWords(options.prices.video, t) })}
          </button>
        </form>
      )}
    </div>
  );
}
