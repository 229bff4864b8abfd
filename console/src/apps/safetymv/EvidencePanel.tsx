import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import { explain } from './mv-errors';
import { mvApi, mvKeys, type Artifacts } from './mv-api';
import { pageWords } from './mv-words';
import { PageExcerpt } from './PageExcerpt';

/** The keywords as chips; the chosen one's evidence, each source on its page (GET .../pages, read once) with the occurrence marked. */
function KeywordEvidence({ jobId, artifacts }: { jobId: string; artifacts: Artifacts }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<string | null>(null);
  const pages = useQuery({ queryKey: mvKeys.pages(jobId), queryFn: () => mvApi.pages(jobId), enabled: chosen !== null, staleTime: Infinity });
  const evidence = artifacts.keyword_evidence?.find((e) => e.keyword === chosen);
  const keywords = artifacts.extracted_keywords ?? [];
  return (
    <div className="space-y-3">
      <h2 className="text-lg font-semibold">{t('mv.evidence.keywords')}</h2>
      <p className="text-sm text-slate-600">{t('mv.evidence.hint')}</p>
      <div className="flex flex-wrap gap-2" role="group" aria-label={t('mv.evidence.keywords')}>
        {keywords.map((k) => (
          <button key={k} type="button" aria-pressed={chosen === k} onClick={() => setChosen(chosen === k ? null : k)}
            className={`rounded-full border px-3 py-1 text-sm ${chosen === k ? 'border-yellow-500 bg-yellow-200 font-semibold' : 'border-slate-300 bg-white hover:bg-slate-100'}`}>
            {k}
          </button>
        ))}
      </div>
      {chosen && (
        <div data-testid="mv-evidence" aria-live="polite" className="space-y-3">
          <h3 className="font-medium">{t('mv.evidence.of', { keyword: chosen, n: evidence?.sources.length ?? 0 })}</h3>
          {pages.isPending && <p>{t('mv.loading')}</p>}
          {pages.isError && <p role="alert" className="text-red-700">{explain(pages.error, t)}</p>}
          {pages.data && evidence?.sources.map((s, i) => {
            const page = pages.data.pages.find((p) => p.page_number === s.page_number);
            return (
              <figure key={`${s.page_number}:${s.start_offset}`} data-testid="mv-evidence-source" data-page={s.page_number} className="space-y-1">
                <figcaption className="text-sm font-medium">{t('mv.evidence.source', { i: i + 1, page: pageWords(s.page_number, t) })}</figcaption>
                {page ? <PageExcerpt text={page.text} source={s} scrollPage={i === 0} /> : <p className="text-sm">{t('mv.evidence.pageMissing', { text: s.text })}</p>}
              </figure>
            );
          })}
        </div>
      )}
    </div>
  );
}

function PointList({ title, items, testId }: { title: string; items: string[]; testId: string }) {
  const { t } = useI18n();
  return (
    <div>
      <h2 className="text-lg font-semibold">{title}</h2>
      {items.length === 0 ? <p className="text-slate-500">{t('mv.evidence.none')}</p> : (
        <ul data-testid={testId} className="list-disc space-y-1 pl-5">{items.map((p, i) => <li key={i}>{p}</li>)}</ul>
      )}
    </div>
  );
}

/** What INIT read from the guidelines: the keywords with their evidence, the key points, the prohibitions. */
export function EvidencePanel({ jobId, artifacts }: { jobId: string; artifacts: Artifacts }) {
  const { t } = useI18n();
  return (
    <section className="grid grid-cols-1 gap-6 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2">
      <KeywordEvidence jobId={jobId} artifacts={artifacts} />
      <div className="space-y-4">
        <PointList title={t('mv.evidence.keyPoints')} items={artifacts.key_points ?? []} testId="mv-key-points" />
        <PointList title={t('mv.evidence.prohibitions')} items={artifacts.prohibitions ?? []} testId="mv-prohibitions" />
      </div>
    </section>
  );
}
