import { evidenceIn, occurrencesIn, sentenceAt, type KeywordEvidence, type SourcePage } from './evidence';
import { pickKeyPoints, pickProhibitions } from './key-points';
import { addProposed, collectCandidates, rankCandidates } from './keywords';
import { preparePages, type PreparedPage } from './pages';

export { evidenceFor, type EvidenceSource, type KeywordEvidence, type SourcePage } from './evidence';
export { sentencesOf } from './sentences';
export { stripKoreanParticle } from './korean-particles';

/** What the guidelines say, for seed 002 section 3 (extracted_keywords, key_points, keyword_evidence). */
export interface GuidelineAnalysis {
  /** Keywords, best first, at most opts.maxKeywords (12); each is written in the text exactly as given here. */
  keywords: string[];
  /** Sentences (trimmed, as written), in document order, at most opts.maxKeyPoints (8), none over 200 characters. */
  keyPoints: string[];
  /** One entry per keyword, in the keywords' order; sources in page then offset order, at most opts.maxSourcesPerKeyword (5) each. */
  evidence: KeywordEvidence[];
  /** Sentences that forbid something (금지, 하지 않는다, 하지 마십시오, 말 것, do not, never, must not, prohibited...), document order, at most 8. */
  prohibitions: string[];
  /** The script of the text: 'ko' (also for no text), 'en', or 'mixed'. */
  language: 'ko' | 'en' | 'mixed';
}

export interface AnalyzeOptions {
  maxKeywords?: number;
  maxKeyPoints?: number;
  maxSourcesPerKeyword?: number;
  /** Keywords a language model proposed: boosted modestly, kept only where evidenceFor finds them in the text. */
  proposedKeywords?: string[];
}

const MAX_PROHIBITIONS = 8;

/** The text's language by its letters: a Hangul syllable counts as two Latin letters; 80% either way decides. */
export function detectLanguage(pages: readonly SourcePage[]): 'ko' | 'en' | 'mixed' {
  let hangul = 0;
  let latin = 0;
  for (const { text } of pages) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xac00 && c <= 0xd7a3) hangul++;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) latin++;
    }
  }
  const share = hangul * 2 + latin > 0 ? (hangul * 2) / (hangul * 2 + latin) : 1;
  return share >= 0.8 ? 'ko' : share <= 0.2 ? 'en' : 'mixed';
}

const limit = (n: number | undefined, fallback: number): number => (n === undefined || !Number.isFinite(n) ? fallback : Math.max(0, Math.floor(n)));

/** For each page and sentence, the weight of the keywords it holds: 1 + (K - rank) / K for each keyword (K keywords). */
function keywordScores(prepared: readonly PreparedPage[], keywords: readonly string[]): number[][] {
  const scores = prepared.map((p) => new Array<number>(p.sentences.length).fill(0));
  keywords.forEach((keyword, rank) => {
    const weight = 1 + (keywords.length - rank) / keywords.length;
    prepared.forEach((p, pi) => {
      let last = -1;
      for (const start of occurrencesIn(keyword, p.page.text)) {
        const at = sentenceAt(p.sentences, start, start + keyword.length);
        if (at < 0 || at === last) continue;
        last = at;
        scores[pi]![at]! += weight;
      }
    });
  });
  return scores;
}

/**
 * Analyses safety guidelines (seed 002 section 3: extracted_keywords, key_points, keyword_evidence;
 * INIT and CONCEPT_GEN): pages are a PDF's (page_number from 1) or typed text (page 0), analysed in
 * page order. Keywords are scored by frequency (folded forms together), position (earlier, and in a
 * page's title line, weighs more) and the safety lexicon; `proposedKeywords` are boosted but kept only
 * where the text holds them. Every keyword has evidence: each source slices its page's text (UTF-16
 * offsets) to the keyword exactly, with the trimmed sentence holding it. Pure and deterministic.
 */
export function analyzeGuidelines(pages: SourcePage[], opts: AnalyzeOptions = {}): GuidelineAnalysis {
  const maxKeywords = limit(opts.maxKeywords, 12);
  const maxKeyPoints = limit(opts.maxKeyPoints, 8);
  const maxSources = limit(opts.maxSourcesPerKeyword, 5);
  const prepared = preparePages(pages);
  const ordered = prepared.map((p) => p.page);
  const sentencesOfPage = new Map(prepared.map((p) => [p.page, p.sentences]));
  const totalLength = prepared.reduce((n, p) => n + p.page.text.length, 0);

  const candidates = collectCandidates(prepared);
  if (opts.proposedKeywords?.length) addProposed(candidates, opts.proposedKeywords, prepared);

  const keywords: string[] = [];
  const evidence: KeywordEvidence[] = [];
  for (const c of rankCandidates(candidates, totalLength)) {
    if (keywords.length >= maxKeywords) break;
    if (keywords.includes(c.surface)) continue;
    // At least one source even when maxSourcesPerKeyword is 0, to know the text holds it.
    const sources = evidenceIn(c.surface, ordered, Math.max(1, maxSources), (page) => sentencesOfPage.get(page) ?? []);
    if (!sources.length) continue;
    keywords.push(c.surface);
    evidence.push({ keyword: c.surface, sources: sources.slice(0, maxSources) });
  }

  return {
    keywords,
    keyPoints: pickKeyPoints(prepared, keywordScores(prepared, keywords), maxKeyPoints),
    evidence,
    prohibitions: pickProhibitions(prepared, MAX_PROHIBITIONS),
    language: detectLanguage(pages),
  };
}
