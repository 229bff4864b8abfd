import { ENGLISH_SUFFIXES } from './english-words';
import { isKoreanSuffix } from './korean-particles';
import { splitSentences, type Sentence } from './sentences';

/** One page of guidelines: a PDF's pages count from 1, typed guidelines are page 0. */
export interface SourcePage {
  pageNumber: number;
  text: string;
}

/**
 * Where a keyword is written (seed 002 section 3: keyword_evidence[].sources[]): on page
 * `page_number`, `text.slice(start_offset, end_offset) === keyword` exactly, offsets in UTF-16 code
 * units of that page's text; `text` is the whole sentence (trimmed) holding that occurrence.
 */
export interface EvidenceSource {
  page_number: number;
  start_offset: number;
  end_offset: number;
  text: string;
}

/** A keyword and where it is written (seed 002 section 3: keyword_evidence[]). */
export interface KeywordEvidence {
  keyword: string;
  sources: EvidenceSource[];
}

/** Letters and decimal digits start a word; combining marks continue one (never an emoji's variation selector alone). */
const WORD_CHAR = /[\p{L}\p{Nd}]/u;
const MARK = /\p{M}/u;
const WORD_RUN = /[\p{L}\p{M}\p{Nd}]*/uy;
const LATIN_END = /[A-Za-z]$/u;
const HANGUL_OR_DIGIT_END = /[가-힣0-9]$/u;

/** The code point ending just before `i` (a surrogate pair read whole). */
function codePointBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text[i - 1]!;
}

/** The base character before `i`, combining marks skipped ("é" is e; "♂️" is ♂). */
function charBefore(text: string, i: number): string {
  let c = codePointBefore(text, i);
  while (c && MARK.test(c)) {
    i -= c.length;
    c = codePointBefore(text, i);
  }
  return c;
}

/** What may follow `keyword` inside its word: nothing; for a Hangul (or digit) ending a particle or a 하다 ending; for a Latin ending s/es/ed/ing or a Korean particle ("MSDS를"). */
function suffixAllowed(keyword: string, rest: string): boolean {
  if (rest === '') return true;
  if (LATIN_END.test(keyword)) return ENGLISH_SUFFIXES.has(rest) || isKoreanSuffix(rest);
  if (HANGUL_OR_DIGIT_END.test(keyword)) return isKoreanSuffix(rest);
  return false;
}

/**
 * UTF-16 start offsets of every occurrence of `keyword` in `text` at a word boundary, in order: the
 * exact (case-sensitive) string, starting a word (text start, or before it a character that is not
 * a letter or digit, combining marks skipped), and followed by the end of the word or an allowed ending (suffixAllowed):
 * 장비 in "장비를" and "장비 이상", not in "장비품"; 구 never inside 보호구; "ladder" in "ladders" and
 * "ladder's", not in "stepladder" or "Ladder". A keyword that starts or ends with a non-word
 * character skips that side's check.
 */
export function occurrencesIn(keyword: string, text: string): number[] {
  const out: number[] = [];
  if (!keyword) return out;
  const checkStart = WORD_CHAR.test(keyword[0]!);
  const checkEnd = WORD_CHAR.test(keyword.at(-1)!);
  for (let i = text.indexOf(keyword); i >= 0; i = text.indexOf(keyword, i + 1)) {
    if (checkStart && WORD_CHAR.test(charBefore(text, i))) continue;
    if (checkEnd) {
      WORD_RUN.lastIndex = i + keyword.length;
      const rest = WORD_RUN.exec(text)?.[0] ?? '';
      if (!suffixAllowed(keyword, rest)) continue;
    }
    out.push(i);
  }
  return out;
}

/** The index of the sentence holding [start, end), or -1 (sentences sorted by start). */
export function sentenceAt(sentences: readonly Sentence[], start: number, end: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid]!.start <= start) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && sentences[found]!.end >= end ? found : -1;
}

/** Pages in page order (stable for equal numbers). */
export const inPageOrder = (pages: readonly SourcePage[]): SourcePage[] =>
  pages.map((p, i) => [p, i] as const).sort((a, b) => a[0].pageNumber - b[0].pageNumber || a[1] - b[1]).map(([p]) => p);

/** Evidence with the pages' sentences supplied (computed once per analysis). Pages must be in page order. */
export function evidenceIn(keyword: string, pages: readonly SourcePage[], maxSources: number, sentencesOfPage: (page: SourcePage) => readonly Sentence[]): EvidenceSource[] {
  const out: EvidenceSource[] = [];
  if (!keyword || keyword.trim() !== keyword || maxSources <= 0) return out;
  for (const page of pages) {
    const starts = occurrencesIn(keyword, page.text);
    if (!starts.length) continue;
    const sentences = sentencesOfPage(page);
    let lastSentence = -1;
    for (const start of starts) {
      const end = start + keyword.length;
      const at = sentenceAt(sentences, start, end);
      if (at < 0 || at === lastSentence) continue;
      lastSentence = at;
      out.push({ page_number: page.pageNumber, start_offset: start, end_offset: end, text: sentences[at]!.text });
      if (out.length >= maxSources) return out;
    }
  }
  return out;
}

/**
 * Where `keyword` is written in the guidelines (seed 002 section 3: keyword_evidence), computed from
 * the text alone: for every source, `page.text.slice(start_offset, end_offset) === keyword` (UTF-16
 * offsets, as JavaScript strings index) and `text` is the trimmed sentence (sentencesOf) holding that
 * occurrence on that page. Occurrences count at word boundaries only (occurrencesIn). Sources come in
 * page then offset order, one per sentence (the first occurrence in it), at most `maxSources`
 * (default 5). An empty array means the text does not hold the keyword.
 */
export function evidenceFor(keyword: string, pages: SourcePage[], maxSources = 5): EvidenceSource[] {
  const cache = new Map<string, Sentence[]>();
  return evidenceIn(keyword, inPageOrder(pages), Math.floor(maxSources), (page) => {
    let s = cache.get(page.text);
    if (!s) cache.set(page.text, (s = splitSentences(page.text)));
    return s;
  });
}
