import type { useI18n } from '../../platform/i18n/i18n';
import type { HitlMode, HitlReason, MvGenre, MvState, MvStyle } from './mv-api';
import type { TimelineProblem } from './mv-timeline';

type Translate = ReturnType<typeof useI18n>['t'];

/*
 * The server's vocabularies are enums of its OpenAPI document: one it adds fails the console's
 * type check here, once the client is generated again, until messages.ts has its words.
 */

/** A style or a genre of GET /mv/options in words (미니멀, K-팝…). */
export const styleWords = (style: MvStyle, t: Translate) => t(`mv.style.${style}`);
export const genreWords = (genre: MvGenre, t: Translate) => t(`mv.genre.${genre}`);

/** A review mode (hitl_mode) in words. */
export const reviewModeWords = (mode: HitlMode, t: Translate) => t(`mv.review.${mode}`);

/** Why a person is asked (hitl.reason: always, qa_flagged) in a sentence. */
export const reviewReasonWords = (reason: HitlReason, t: Translate) => t(`mv.review.reason.${reason}`);

/** A state of seed 002 in words (초기화, 콘셉트 생성…). */
export const stateWords = (state: MvState, t: Translate) => t(`mv.state.${state}`);

/** Where evidence was found: `p.{n}` for a PDF page, '직접 입력' for the typed text (page 0). */
export const pageWords = (page: number, t: Translate) => (page === 0 ? t('mv.evidence.typed') : t('mv.evidence.page', { n: page }));

/** A timing problem of the review's editor, in a sentence. */
export function timelineWords(p: TimelineProblem, t: Translate): string {
  const { kind, ...vars } = p;
  return t(`mv.timeline.${kind}`, vars as Record<string, number>);
}

/** Bytes as people read them (1.5 MB). */
export function sizeWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
