import { z } from 'zod';
import { invalid } from '../../core/errors/app-error';
import { Scene } from './mv-input';
import { timelineProblems } from './mv-script';

/** A person's review (seed 002 section 4), as the HITL step receives it once the route checked it. */
export const HitlDecision = z.object({
  selected_concept_id: z.string(),
  edited_lyrics: z.string().optional(),
  edited_mv_script: z.array(Scene).optional(),
});
export type HitlDecision = z.infer<typeof HitlDecision>;

/**
 * Throws 400 when the decision cannot be applied: CONCEPT_NOT_FOUND (names the concepts there are),
 * INVALID_MV_SCRIPT (every timing problem, e.g. a gap between scene 2 and 3), INVALID_LYRICS (blank).
 */
export function checkDecision(decision: HitlDecision, conceptIds: readonly string[], lengthSec: number): void {
  if (!conceptIds.includes(decision.selected_concept_id)) {
    throw invalid('CONCEPT_NOT_FOUND', `selected_concept_id: no concept "${decision.selected_concept_id}"; choose one of ${conceptIds.join(', ')}`);
  }
  if (decision.edited_lyrics !== undefined && !/[\p{L}\p{N}]/u.test(decision.edited_lyrics)) {
    throw invalid('INVALID_LYRICS', 'edited_lyrics: the lyrics are blank; leave the field out to keep the concept\'s lyrics');
  }
  if (decision.edited_mv_script) {
    const problems = timelineProblems(decision.edited_mv_script, lengthSec);
    if (problems.length) throw invalid('INVALID_MV_SCRIPT', `edited_mv_script: ${problems.join('; ')}`);
  }
}
