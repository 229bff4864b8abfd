import { invalid } from '../../core/errors/app-error';
import { compileBlocklist, type Blocklist } from '../../core/text/blocklist';

/**
 * Seed 004 "콘텐츠 가드: NSFW/저작권 위험 필터링": terms a prompt may not carry, checked before
 * anything is charged (core/text/blocklist.ts folds spacing, jamo, look-alikes and leetspeak).
 * Hangul terms match inside a word, so none here is part of an everyday one (not 로리, which is in
 * 칼로리; not 성기, in 성기사; not 마블, which is also marble; not 쇼타, in 쇼타임).
 * Only the prompt is checked: a negative prompt is where a user writes what the image must not show.
 */
export const NSFW_TERMS = [
  'nude', 'nudity', 'naked', 'nsfw', 'porn', 'porno', 'pr0n', 'sex', 'hentai', 'erotic', 'erotica', 'topless', 'nipple', 'genital', 'lolita', 'loli', 'xxx',
  '누드', '나체', '알몸', '야동', '포르노', '음란', '섹스', '섹쓰', '쎅스', '성행위', '롤리타', '헨타이',
  'ヌード', 'エロ', 'ポルノ', '裸体', '色情'
];

/** Characters and marks whose owners license them: an image of them is a copyright risk. */
export const COPYRIGHT_TERMS = [
  'disney', 'pixar', 'marvel comics', 'avengers', 'dc comics', 'pokemon', 'pikachu', 'nintendo', 'mickey mouse', 'ghibli', 'totoro', 'spider-man', 'batman', 'superman',
  '디즈니', '픽사', '마블 코믹스', '어벤져스', '포켓몬', '피카츄', '피카추', '닌텐도', '미키마우스', '지브리', '토토로', '스파이더맨', '배트맨', '슈퍼맨',
  'ディズニー', 'ポケモン', 'ピカチュウ', 'ジブリ', '皮卡丘'
];

/** The guard's two lists, compiled once per router. */
export function galleryBlocklist(): { nsfw: Blocklist; copyright: Blocklist } {
  return { nsfw: compileBlocklist(NSFW_TERMS), copyright: compileBlocklist(COPYRIGHT_TERMS) };
}

/**
 * 400 ENTITY_TEXT_BLOCKED when an entity's name or fields carry an adult-content term: entities may
 * be listed to everyone, and their text is what prompts are prefilled from.
 */
export function checkEntityText(list: ReturnType<typeof galleryBlocklist>, texts: readonly (string | null | undefined)[]): void {
  const term = list.nsfw.find(texts.filter((t): t is string => typeof t === 'string').join('\n'));
  if (term) throw invalid('ENTITY_TEXT_BLOCKED', `The text contains "${term}", which the content guard blocks (adult content); change it`, { term, category: 'nsfw' });
}

/** 400 PROMPT_BLOCKED naming the term and its kind, before any charge; nothing when the texts are clean. */
export function checkPromptTerms(list: ReturnType<typeof galleryBlocklist>, ...texts: (string | undefined)[]): void {
  const text = texts.filter(Boolean).join('\n');
  const nsfw = list.nsfw.find(text);
  if (nsfw) throw invalid('PROMPT_BLOCKED', `The prompt contains "${nsfw}", which the content guard blocks (adult content). Change it and try again; nothing was charged`, { term: nsfw, category: 'nsfw' });
  const mark = list.copyright.find(text);
  if (mark) throw invalid('PROMPT_BLOCKED', `The prompt names "${mark}", a licensed character or brand (copyright risk). Describe your own character instead; nothing was charged`, { term: mark, category: 'copyright' });
}
