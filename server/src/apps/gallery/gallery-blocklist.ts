import { invalid } from '../../core/errors/app-error';
import { compileBlocklist, type Blocklist } from '../../core/text/blocklist';

/**
 * Seed 004 "콘텐츠 가드: NSFW/저작권 위험 필터링": terms a prompt may not carry, checked before
 * anything is charged (core/text/blocklist.ts folds spacing, jamo, look-alikes and leetspeak).
 * Hangul terms match anywhere in the folded text, so none here is part of an everyday word
 * (not 로리, which is in 칼로리; not 성기, which is in 성기사).
 */
export const NSFW_TERMS = [
  'nude', 'naked', 'nsfw', 'porn', 'sex', 'hentai', 'erotic', 'topless', 'nipple', 'genital', 'lolita', 'shota', 'xxx',
  '누드', '나체', '알몸', '야동', '포르노', '음란', '섹스', '성행위', '롤리타', '쇼타',
];

/** Characters and marks whose owners license them: an image of them is a copyright risk. */
export const COPYRIGHT_TERMS = [
  'disney', 'pixar', 'marvel', 'dc comics', 'pokemon', 'pikachu', 'nintendo', 'mickey mouse', 'ghibli', 'totoro', 'spider-man', 'batman', 'superman',
  '디즈니', '픽사', '마블', '포켓몬', '피카츄', '닌텐도', '미키마우스', '미키 마우스', '지브리', '토토로', '스파이더맨', '배트맨', '슈퍼맨',
];

/** The guard's lists: the defaults, and `extra` adult-content terms of an operator's own. */
export function galleryBlocklist(extra: readonly string[] = []): { nsfw: Blocklist; copyright: Blocklist } {
  return { nsfw: compileBlocklist([...NSFW_TERMS, ...extra]), copyright: compileBlocklist(COPYRIGHT_TERMS) };
}

/** 400 PROMPT_BLOCKED naming the term and its kind, before any charge; nothing when the texts are clean. */
export function checkPromptTerms(list: ReturnType<typeof galleryBlocklist>, ...texts: (string | undefined)[]): void {
  const text = texts.filter(Boolean).join('\n');
  const nsfw = list.nsfw.find(text);
  if (nsfw) throw invalid('PROMPT_BLOCKED', `The prompt contains "${nsfw}", which the content guard blocks (adult content). Change it and try again; nothing was charged`, { term: nsfw, category: 'nsfw' });
  const mark = list.copyright.find(text);
  if (mark) throw invalid('PROMPT_BLOCKED', `The prompt names "${mark}", a licensed character or brand (copyright risk). Describe your own character instead; nothing was charged`, { term: mark, category: 'copyright' });
}
