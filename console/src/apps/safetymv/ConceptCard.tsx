import { useId } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import type { Concept } from './mv-api';

function Problems({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <p className="text-sm font-medium">{title}</p>
      <ul className="list-disc pl-5 text-sm text-slate-700">{items.map((x, i) => <li key={i}>{x}</li>)}</ul>
    </div>
  );
}

/** One concept to choose from: its title, logline and QA (passed or flagged, coverage, what it misses or gets unsafe). */
export function ConceptCard({ concept, chosen, suggested, onChoose }: { concept: Concept; chosen: boolean; suggested: boolean; onChoose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const qa = concept.qa;
  return (
    <article aria-labelledby={id} data-testid="mv-concept" data-concept={concept.concept_id}
      className={`flex flex-col gap-2 rounded border-2 bg-white p-3 ${chosen ? 'border-blue-600' : 'border-slate-200'}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-xs text-slate-500">{concept.concept_id}</span>
        {suggested && <span className="rounded bg-blue-100 px-2 text-xs text-blue-800">{t('mv.review.suggested')}</span>}
        {qa && (
          <span className={`rounded px-2 text-xs ${qa.passed ? 'bg-green-100 text-green-800' : 'bg-amber-100 text-amber-900'}`}>
            {qa.passed ? t('mv.qa.passed') : t('mv.qa.flagged')} · {t('mv.qa.coverage', { pct: Math.round(qa.coverage * 100) })}
          </span>
        )}
      </div>
      <h3 id={id} className="font-semibold">{concept.title}</h3>
      <p className="text-sm text-slate-700">{concept.logline}</p>
      {qa && (
        <>
          <Problems title={t('mv.qa.uncovered')} items={qa.uncovered_key_points} />
          <Problems title={t('mv.qa.unsafe')} items={qa.unsafe_scenes.map((s) => t('mv.qa.unsafeScene', { scene: s.scene_id, reason: s.reason }))} />
          <Problems title={t('mv.qa.timing')} items={qa.timing_problems} />
        </>
      )}
      <button type="button" aria-pressed={chosen} onClick={onChoose} aria-describedby={id}
        className={`mt-auto rounded px-3 py-2 text-sm font-medium ${chosen ? 'bg-blue-600 text-white' : 'border border-blue-600 text-blue-700 hover:bg-blue-50'}`}>
        {chosen ? t('mv.review.chosen') : t('mv.review.choose')}
      </button>
    </article>
  );
}
