import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode, type Ref } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { HistoryPanel } from './HistoryPanel';
import { IdeaForm } from './IdeaForm';
import { ImageStep } from './ImageStep';
import { PromptStep } from './PromptStep';
import { studioApi, type IdeaFields, type QueuedVideo, type StudioImage, type StudioOptions, type VideoSeconds } from './studio-api';
import { explain } from './studio-errors';
import { priceWords } from './studio-words';
import { VideoPanel } from './VideoPanel';

/** /studio: idea -> prompt -> image -> video, each step's price on its button, beside the history. */
export function StudioPage() {
  const { t } = useI18n();
  const options = useQuery({ queryKey: ['studio-options'], queryFn: studioApi.options });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('studio.heading')}</h1>
      {options.isPending && <p aria-busy="true">{t('studio.loading')}</p>}
      {options.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(options.error, t)}</p>}
      {options.data && <Workspace options={options.data} />}
    </div>
  );
}

type Focus = 'prompt' | 'image' | 'video';

function Workspace({ options }: { options: StudioOptions }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [fields, setFields] = useState(() => ({
    idea: '', style: options.styles[0], mood: options.moods[0], camera: options.cameras[0], ratio: options.ratios[0], extra: '',
  }) as IdeaFields);
  const [prompt, setPrompt] = useState<string | null>(null);
  const [image, setImage] = useState<StudioImage | null>(null);
  const [video, setVideo] = useState<QueuedVideo | null>(null);
  // What takes the focus once it is on the page: the result of an action, for keyboard and screen reader users.
  const [focus, setFocus] = useState<Focus | null>(null);
  const targets = { prompt: useRef<HTMLTextAreaElement>(null), image: useRef<HTMLHeadingElement>(null), video: useRef<HTMLHeadingElement>(null) };
  useEffect(() => {
    if (!focus) return;
    targets[focus].current?.focus();
    setFocus(null);
  }, [focus]);

  const refresh = (...keys: string[]) => keys.forEach((k) => void client.invalidateQueries({ queryKey: [k] }));
  const makePrompt = useMutation({
    mutationFn: () => studioApi.prompt({ ...fields, idea: fields.idea.trim(), extra: fields.extra?.trim() || undefined }),
    onSuccess: (out) => {
      setPrompt(out.prompt);
      setFocus('prompt');
    },
    onSettled: () => refresh('studio-history'),
  });
  const makeImage = useMutation({
    mutationFn: () => studioApi.image({ prompt: prompt ?? '', ratio: fields.ratio }),
    onSuccess: setImage,
    onSettled: () => refresh('me', 'studio-history'),
  });
  const makeVideo = useMutation({
    mutationFn: (seconds: VideoSeconds) => studioApi.video({ prompt: prompt ?? '', imageId: image?.imageId, seconds }),
    onSuccess: (queued) => {
      setVideo(queued);
      setFocus('video');
    },
    onSettled: () => refresh('me', 'studio-history'),
  });

  return (
    <div className="grid gap-6 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="min-w-0 space-y-6">
        <p className="text-sm text-slate-700" data-testid="studio-prices">
          {t('studio.prices', { prompt: priceWords(options.prices.prompt, t), image: priceWords(options.prices.image, t), video: priceWords(options.prices.video, t) })}
        </p>
        <Step title={t('studio.idea.legend')}>
          <IdeaForm options={options} fields={fields} onChange={(patch) => setFields((f) => ({ ...f, ...patch }))}
            onSubmit={() => makePrompt.mutate()} pending={makePrompt.isPending} error={makePrompt.error} />
        </Step>
        {prompt !== null && (
          <Step title={t('studio.prompt.legend')}>
            <PromptStep prompt={prompt} onChange={setPrompt} onImage={() => makeImage.mutate()} price={options.prices.image}
              pending={makeImage.isPending} error={makeImage.error} inputRef={targets.prompt} />
          </Step>
        )}
        {(image || makeImage.isPending) && (
          <Step title={t('studio.image.legend')} headingRef={targets.image}>
            <ImageStep image={image} pending={makeImage.isPending} ratio={fields.ratio} options={options}
              onVideo={(seconds) => makeVideo.mutate(seconds)} videoPending={makeVideo.isPending} videoError={makeVideo.error} />
          </Step>
        )}
        {video && (
          <Step title={t('studio.video.legend')} headingRef={targets.video}>
            <VideoPanel key={video.jobId} jobId={video.jobId} acceptedMessage={video.message} />
          </Step>
        )}
      </div>
      <HistoryPanel
        prices={options.prices}
        onUsePrompt={(p) => {
          setPrompt(p);
          setFocus('prompt');
        }}
        onImage={(img, p) => {
          setImage(img);
          setPrompt(p);
          setFocus('image');
        }}
        onVideo={(queued) => {
          setVideo(queued);
          setFocus('video');
        }}
      />
    </div>
  );
}

function Step({ title, headingRef, children }: { title: string; headingRef?: Ref<HTMLHeadingElement>; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id={id} ref={headingRef} tabIndex={-1} className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}
