import { AppError } from '../../core/errors/app-error';
import type { Deps } from '../deps';

/**
 * Generation is costly (seed 001 section 4, seed 004's content guard), so a prompt is checked by
 * the moderation port before anything is charged or queued. Flagged: 400 PROMPT_REFUSED naming the categories. The check
 * fails closed: with moderation unreachable nothing is generated (503 MODERATION_UNAVAILABLE).
 */
export async function moderate(deps: Pick<Deps, 'providers' | 'log'>, ...texts: (string | undefined)[]): Promise<void> {
  const text = texts.filter((t): t is string => !!t?.trim()).join('\n');
  if (!text) return;
  let verdict;
  try {
    verdict = await deps.providers.moderation.checkText(text);
  } catch (err) {
    deps.log.warn({ err }, 'moderation failed');
    throw new AppError('unavailable', 'MODERATION_UNAVAILABLE', 'The content check is unavailable right now; nothing was charged. Try again shortly', {}, undefined, { cause: err });
  }
  if (verdict.flagged) {
    const categories = verdict.categories.length ? verdict.categories.join(', ') : 'content policy';
    throw new AppError('invalid', 'PROMPT_REFUSED', `The prompt was refused by the content policy (${categories}); change it and try again. Nothing was charged`, { categories: verdict.categories });
  }
}
