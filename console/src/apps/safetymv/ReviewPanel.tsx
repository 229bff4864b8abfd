import { useState } from 'react';
import { useI18n } from '../../platform/i18n/i18n';
import type { Concept, Hitl } from './mv-api';
import { reviewReasonWords } from './mv-words';
import { ConceptCard } from './ConceptCard';
import { ReviewEditor } from './ReviewEditor';

/**
 * The review (status hitl_required): why a person is asked, the concepts side by side, the
 * suggested one chosen first, and the chosen one's editor over the requested length (seconds).
 */
export function ReviewPanel({ jobId, concepts, hitl, length }: { jobId: string; concepts: Concept[]; hitl: Hitl | null; length: number }) {
  const { t } = useI18n();
  const suggested = hitl?.selected_concept_id ?? concepts[0]?.concept_id ?? null;
  const [chosenId, setChosenId] = useState(suggested);
  const chosen = concepts.find((c) => c.concept_id === chosenId) ?? null;
  return (
    <section aria-labelledby="mv-review-h" className="space-y-4">
      <h2 id="mv-review-h" className="text-xl font-semibold">{t('mv.review.heading')}</h2>
      {hitl?.reason && <p data-testid="mv-review-reason" className="text-slate-700">{reviewReasonWords(hitl.reason, t)}</p>}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="mv-concepts">
        {concepts.map((c) => (
          <ConceptCard key={c.concept_id} concept={c} chosen={c.concept_id === chosenId} suggested={c.concept_id === suggested} onChoose={() => setChosenId(c.concept_id)} />
        ))}
      </div>
      {chosen && <ReviewEditor key={chosen.concept_id} jobId={jobId} concept={chosen} length={length} />}
    </section>
  );
}
