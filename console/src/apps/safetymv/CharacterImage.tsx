import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { mvApi, mvKeys } from './mv-api';

/** The plan's character image: a busy placeholder while `submitted` (polled until it changes), then the image, or that it failed. */
export function CharacterImage({ jobId, pollMs }: { jobId: string; pollMs: number }) {
  const { t } = useI18n();
  const character = useQuery({
    queryKey: mvKeys.character(jobId),
    queryFn: () => mvApi.character(jobId),
    refetchInterval: (q) => (q.state.data?.status === 'submitted' && !q.state.error ? pollMs : false),
  });
  const status = character.data?.status;
  const queryClient = useQueryClient();
  // A character image that failed is refunded.
  useEffect(() => {
    if (status === 'failed') void queryClient.invalidateQueries({ queryKey: ['me'] });
  }, [status, queryClient]);
  return (
    <section aria-labelledby="mv-char-h" className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <h2 id="mv-char-h" className="text-lg font-semibold">{t('mv.character.heading')}</h2>
      {(character.isPending || status === 'submitted') && (
        <div aria-busy="true" role="img" aria-label={t('mv.character.submitted')} data-testid="mv-character-skeleton"
          className="aspect-square w-full max-w-xs animate-pulse rounded bg-slate-200" />
      )}
      {status === 'ready' && character.data?.preview_url && (
        <img src={character.data.preview_url} alt={t('mv.character.alt')} data-testid="mv-character" className="w-full max-w-xs rounded" />
      )}
      {status === 'failed' && <p role="alert" className="text-red-700">{t('mv.character.failed')}</p>}
      {character.isError && <p role="alert" className="text-red-700">{explain(character.error, t)}</p>}
    </section>
  );
}
