import { chooseSurface, foldEnglish, foldEnglishPhrase } from './english-words';
import { occurrencesIn } from './evidence';
import { isKoreanSuffix, koreanTerm, stripKoreanParticle } from './korean-particles';
import type { PreparedPage } from './pages';
import { ENGLISH_PHRASES, isEnglishSafetyKey, isKoreanSafetyTerm, SAFETY_WEIGHT } from './safety-lexicon';
import { ENGLISH_GENERIC, ENGLISH_STOP_WORDS, GENERIC_WEIGHT, KOREAN_GENERIC, KOREAN_STOP_WORDS } from './stop-words';

/** A keyword candidate: one counting key, the spellings it was written in, and its weights. */
export interface Candidate {
  /** Korean: the stem; English: the lowercase folded word or phrase. */
  key: string;
  lang: 'ko' | 'en';
  /** Spellings as written (Korean: the stem itself) and how often. */
  forms: Map<string, number>;
  /** Sum of the occurrences' weights (1, more in a title line). */
  weight: number;
  /** Offset of the first occurrence in all pages end to end. */
  first: number;
  safety: boolean;
  generic: boolean;
  /** Only ever seen as a 하다/되다 verb (착용한다), never as a noun. */
  verbOnly: boolean;
  proposed: boolean;
  /** A proposed keyword's own spelling, cited as the model wrote it. */
  fixedSurface?: string;
}

/** A ranked keyword candidate with its score. */
export interface RankedCandidate extends Candidate {
  score: number;
  surface: string;
}

const WORD = /[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}]*/gu;
const HAS_HANGUL = /[가-힣]/u;
const LATIN_WORD = /^[A-Za-z]+$/u;
const LATIN_THEN_PARTICLE = /^([A-Za-z]+)([가-힣]+)$/u;
const KOREAN_WORD = /^[0-9]*[가-힣][가-힣0-9]*$/u;
const LATIN_PHRASE = /^[A-Za-z]+(?:[\s-]+[A-Za-z]+)*$/u;
const PHRASE_GAP = /^[ -]$/u;
const NEGATION = /^(?:않|말|마|못)/u;

/** Weight of a count seen only in 하다/되다 verbs (착용한다): an action, less telling than a thing. */
const VERB_ONLY_WEIGHT = 0.7;
/** Boost of a keyword the language model proposed (and the text holds). */
const PROPOSED_BOOST = 1.3;
/** How much an occurrence in a page's title line counts; the first page's title counts TITLE_FIRST_PAGE. */
const TITLE_WEIGHT = 1.5;
const TITLE_FIRST_PAGE = 2;

interface Token {
  text: string;
  start: number;
}

class Tally {
  readonly candidates = new Map<string, Candidate>();
  /** What each word contributes, by word (and whether a negation follows): words repeat, the answer does not. */
  readonly words = new Map<string, WordTerm | null>();

  word(word: string, next: string): WordTerm | null {
    const key = word.endsWith('지') && NEGATION.test(next) ? `${word}\u0000` : word;
    let t = this.words.get(key);
    if (t === undefined) this.words.set(key, (t = classify(word, next)));
    return t;
  }

  add(key: string, lang: 'ko' | 'en', form: string, weight: number, at: number, info: TermInfo): void {
    let c = this.candidates.get(key);
    if (!c) {
      c = { key, lang, forms: new Map(), weight: 0, first: at, safety: info.safety, generic: info.generic, verbOnly: true, proposed: false };
      this.candidates.set(key, c);
    }
    c.forms.set(form, (c.forms.get(form) ?? 0) + 1);
    c.weight += weight;
    if (at < c.first) c.first = at;
    if (!info.verb) c.verbOnly = false;
  }
}

interface TermInfo {
  safety: boolean;
  generic: boolean;
  verb: boolean;
}

/** What one word counts as: a candidate's key, its spelling as written, and its kind. */
interface WordTerm extends TermInfo {
  key: string;
  lang: 'ko' | 'en';
  form: string;
}

const englishInfo = (key: string, lower: string): TermInfo => ({ safety: isEnglishSafetyKey(key), generic: ENGLISH_GENERIC.has(key) || ENGLISH_GENERIC.has(lower), verb: false });

/** An English word (not a phrase) as written; null for stop words and short non-lexicon words. */
function englishWord(word: string): WordTerm | null {
  const lower = word.toLowerCase();
  const key = foldEnglish(word);
  if (ENGLISH_STOP_WORDS.has(lower) || ENGLISH_STOP_WORDS.has(key)) return null;
  if (lower.length < 3 && !isEnglishSafetyKey(key)) return null;
  return { key, lang: 'en', form: word, ...englishInfo(key, lower) };
}

/** What a word (a run of letters and digits) counts as, `next` being the word after it; null when nothing. */
function classify(word: string, next: string): WordTerm | null {
  if (LATIN_WORD.test(word)) return englishWord(word);
  if (!HAS_HANGUL.test(word)) return null;
  const latin = LATIN_THEN_PARTICLE.exec(word);
  if (latin && isKoreanSuffix(latin[2]!)) return englishWord(latin[1]!); // "MSDS를"
  const term = koreanTerm(word, next);
  if (!term || KOREAN_STOP_WORDS.has(term.stem)) return null;
  const safety = isKoreanSafetyTerm(term.stem);
  if (/^[0-9]/u.test(term.stem) && !safety) return null;
  return { key: term.stem, lang: 'ko', form: term.stem, safety, generic: KOREAN_GENERIC.has(term.stem), verb: term.via === 'verb' };
}

/** Length of the lexicon phrase starting at tokens[i] (in tokens), or 0. Words must be separated by one space or hyphen. */
function phraseAt(tokens: readonly Token[], i: number, text: string): number {
  const phrases = ENGLISH_PHRASES.get(tokens[i]!.text.toLowerCase());
  if (!phrases) return 0;
  for (const words of phrases) {
    if (i + words.length > tokens.length) continue;
    let ok = true;
    for (let j = 1; j < words.length && ok; j++) {
      const t = tokens[i + j]!;
      const prev = tokens[i + j - 1]!;
      const gap = text.slice(prev.start + prev.text.length, t.start);
      const last = j === words.length - 1;
      ok = PHRASE_GAP.test(gap) && LATIN_WORD.test(t.text) && (last ? foldEnglish(t.text) === foldEnglish(words[j]!) : t.text.toLowerCase() === words[j]);
    }
    if (ok) return words.length;
  }
  return 0;
}

/** Counts the keyword candidates of one sentence's words. */
function tallySentence(tally: Tally, text: string, at: number, weight: number): void {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) tokens.push({ text: m[0], start: m.index });
  for (let i = 0; i < tokens.length; i++) {
    const { text: tok, start } = tokens[i]!;
    const pos = at + start;
    const c = tok.charCodeAt(0) | 0x20;
    const n = c >= 0x61 && c <= 0x7a && ENGLISH_PHRASES.has(tok.toLowerCase()) ? phraseAt(tokens, i, text) : 0;
    if (n) {
      const last = tokens[i + n - 1]!;
      const written = text.slice(start, last.start + last.text.length);
      const key = foldEnglishPhrase(written);
      tally.add(key, 'en', written, weight, pos, englishInfo(key, written.toLowerCase()));
      i += n - 1;
      continue;
    }
    const term = tally.word(tok, tokens[i + 1]?.text ?? '');
    if (term) tally.add(term.key, term.lang, term.form, weight, pos, term);
  }
}

/**
 * Keyword candidates of the pages (seed 002 section 3: extracted_keywords): Korean words by their
 * stem (particles and 하다 endings off, stop words out), English words and lexicon phrases by their
 * folded lowercase key. Boilerplate lines are not counted; title lines count more.
 */
export function collectCandidates(pages: readonly PreparedPage[]): Map<string, Candidate> {
  const tally = new Tally();
  pages.forEach((p, pi) => {
    p.sentences.forEach((s, si) => {
      if (p.boilerplate.has(si)) return;
      const weight = si === p.heading ? (pi === 0 ? TITLE_FIRST_PAGE : TITLE_WEIGHT) : 1;
      tallySentence(tally, s.text, p.base + s.start, weight);
    });
  });
  return tally.candidates;
}

/** The counting key a proposed keyword would have, or null when it is a stop word. */
function proposedKey(word: string): string | null {
  if (KOREAN_WORD.test(word)) {
    const stem = koreanTerm(word)?.stem ?? stripKoreanParticle(word);
    return KOREAN_STOP_WORDS.has(stem) ? null : stem;
  }
  if (LATIN_PHRASE.test(word)) {
    const key = foldEnglishPhrase(word);
    return ENGLISH_STOP_WORDS.has(key) || ENGLISH_STOP_WORDS.has(word.toLowerCase()) ? null : key;
  }
  return word;
}

/**
 * Folds the language model's proposed keywords in: one that is already a candidate (same key:
 * "보호구를" is 보호구, "Helmets" is helmet) is marked proposed; a new one becomes a candidate spelt as
 * proposed only when the text holds it at a word boundary (occurrencesIn); the rest are dropped.
 */
export function addProposed(candidates: Map<string, Candidate>, proposed: readonly string[], pages: readonly PreparedPage[]): void {
  for (const raw of proposed) {
    const word = raw.trim();
    if (!word || word.length > 60 || /[\r\n]/u.test(word)) continue;
    const key = proposedKey(word);
    if (key === null) continue;
    const known = candidates.get(key);
    if (known) {
      known.proposed = true;
      continue;
    }
    let count = 0;
    let first = -1;
    for (const p of pages) {
      const starts = occurrencesIn(word, p.page.text);
      if (starts.length && first < 0) first = p.base + starts[0]!;
      count += starts.length;
    }
    if (!count) continue;
    const english = LATIN_PHRASE.test(word);
    candidates.set(key, {
      key, lang: english ? 'en' : 'ko', forms: new Map([[word, count]]), weight: count, first,
      safety: english ? isEnglishSafetyKey(key) : isKoreanSafetyTerm(key), generic: KOREAN_GENERIC.has(key) || ENGLISH_GENERIC.has(key),
      verbOnly: false, proposed: true, fixedSurface: word,
    });
  }
}

/**
 * Candidates best first. score = sqrt(weighted count) x kind (safety term SAFETY_WEIGHT, generic word
 * GENERIC_WEIGHT, verb-only VERB_ONLY_WEIGHT, else 1) x (1 + 0.25 x earliness of the first occurrence)
 * x (PROPOSED_BOOST when the model proposed it). Ties: earlier first occurrence, then code-unit order.
 */
export function rankCandidates(candidates: ReadonlyMap<string, Candidate>, totalLength: number): RankedCandidate[] {
  const ranked: RankedCandidate[] = [];
  for (const c of candidates.values()) {
    const kind = c.safety ? SAFETY_WEIGHT : c.generic ? GENERIC_WEIGHT : c.verbOnly ? VERB_ONLY_WEIGHT : 1;
    const earliness = totalLength > 0 ? 1 - c.first / totalLength : 0;
    const score = Math.sqrt(c.weight) * kind * (1 + 0.25 * earliness) * (c.proposed ? PROPOSED_BOOST : 1);
    const surface = c.fixedSurface ?? (c.lang === 'ko' ? c.key : chooseSurface(c.forms));
    ranked.push({ ...c, score, surface });
  }
  return ranked.sort((a, b) => b.score - a.score || a.first - b.first || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
