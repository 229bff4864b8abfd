import type { Concept } from './mv-concepts';
import { timelineProblems } from './mv-script';

/** What the analysis of the guidelines gives the plan: the words and sentences QA checks against. */
export interface GuidelineBrief {
  keywords: string[];
  keyPoints: string[];
  prohibitions: string[];
  language: 'ko' | 'en' | 'mixed';
}

export interface QaReport {
  concept_id: string;
  /** Every key point covered, nothing unsafe shown, the timing adds up. */
  passed: boolean;
  /** Share of the key points the lyrics or the scenes carry, 0..1. */
  coverage: number;
  uncovered_key_points: string[];
  unsafe_scenes: { scene_id: string; reason: string }[];
  timing_problems: string[];
}

// A scene that acts a hazard out: protection left off, a rule skipped. Heuristic, in both languages.
const UNSAFE = [
  '없이', '미착용', '벗고', '벗은', '벗어', '무시', '생략', '건너뛰', '맨손', '장난', '뛰어내', '방치',
  'without', 'not wearing', 'no helmet', 'no harness', 'no gloves', 'takes off', 'took off', 'ignor', 'skips', 'skipping', 'bare-hand', 'unsecured', 'bypass', 'horsing around',
];
// Words that frame such an act as what not to do (a warning, a stop, the right way instead).
const FRAMED_SAFE = [
  '않', '금지', '하지 마', '말 것', '멈추', '멈춘', '대신', '막는', '막아', '경고', '바로잡', '올바르게',
  "don't", 'do not', 'never', 'instead', 'stops', 'refuses', 'avoid', 'prevent', 'warn', 'correct', 'must not',
];

const lower = (s: string) => s.toLowerCase();
const has = (text: string, words: readonly string[]) => words.some((w) => text.includes(w));

/** The guideline keywords a sentence holds (what a concept must carry to cover it); its longest word when it holds none. */
export function anchorsOf(sentence: string, keywords: readonly string[]): string[] {
  const s = lower(sentence);
  const inside = keywords.filter((k) => s.includes(lower(k)));
  if (inside.length > 0) return inside.map(lower);
  const words = (s.match(/[\p{L}\p{N}]{2,}/gu) ?? []).sort((a, b) => b.length - a.length);
  return words.slice(0, 1);
}

/**
 * Whether a key point is carried by `text` (a concept's lyrics and scenes, lower-cased): at least
 * half of its anchors (one at least) appear in it.
 */
function covers(text: string, anchors: string[]): boolean {
  if (anchors.length === 0) return true;
  const found = anchors.filter((a) => text.includes(a)).length;
  return found >= Math.max(1, Math.ceil(anchors.length / 2));
}

/**
 * Why a scene shows something unsafe, or null: it acts a hazard out (protection left off, a rule
 * skipped) without framing it as what not to do, or it holds two keywords of a prohibition of the
 * guidelines (the act it forbids and its keywords) with no such framing: the forbidden act shown as done.
 */
export function unsafeReason(description: string, brief: GuidelineBrief): string | null {
  const d = lower(description);
  if (has(d, FRAMED_SAFE)) return null;
  const marker = UNSAFE.find((w) => d.includes(w));
  if (marker) return `shows protection left off or a rule skipped ("${marker}") without saying it is wrong`;
  for (const rule of brief.prohibitions) {
    const verb = forbiddenAct(rule);
    const anchors = anchorsOf(rule, brief.keywords).filter((a) => brief.keywords.some((k) => lower(k) === a));
    if (verb && verb.test(d) && anchors.length > 0 && anchors.every((a) => d.includes(a))) return `acts out a prohibited act ("${rule}") without saying it is wrong`;
  }
  return null;
}

/**
 * The act a prohibition forbids, as a pattern for a scene that does it: 작업하지 않는다 and 사용 금지
 * match 작업한다, 사용해 (the 하다 verb, never 작업자); 뛰지 마십시오 matches a word starting 뛰;
 * "do not use" and "never lift" match use, uses, lifting. Null when no such form is found.
 */
export function forbiddenAct(rule: string): RegExp | null {
  const hada = /([가-힣]{2,}?)하지\s*(?:않|마|말)/u.exec(rule) ?? /([가-힣]{2,})\s*금지/u.exec(rule);
  if (hada) return new RegExp(`(?<![가-힣])${hada[1]}\\s?(?:하|한|해|했|할|함)`, 'u');
  const native = /(?<![가-힣])([가-힣])지\s*(?:않|마|말)/u.exec(rule);
  if (native) return new RegExp(`(?<![가-힣])${native[1]}`, 'u');
  const en = /\b(?:do not|don't|never|must not|shall not)\s+([a-z]+)/i.exec(rule);
  return en ? new RegExp(`\\b${lower(en[1]!)}`, 'i') : null;
}

/**
 * Seed 002's QA: the concept covers the key points (lyrics or scenes), shows nothing unsafe (the
 * guidelines' own hazards acted out wrongly), and its scenes run from 0 to the length without gaps
 * or overlaps.
 */
export function reviewConcept(concept: Concept, brief: GuidelineBrief, lengthSec: number): QaReport {
  const text = lower([concept.title, concept.lyrics, ...concept.mv_script.map((s) => s.description)].join('\n'));
  const uncovered = brief.keyPoints.filter((p) => !covers(text, anchorsOf(p, brief.keywords)));
  const unsafe = concept.mv_script.flatMap((s) => {
    const reason = unsafeReason(s.description, brief);
    return reason ? [{ scene_id: s.scene_id, reason }] : [];
  });
  const timing = timelineProblems(concept.mv_script, lengthSec);
  if (!concept.lyrics.trim()) timing.push('the lyrics are empty');
  const coverage = brief.keyPoints.length ? (brief.keyPoints.length - uncovered.length) / brief.keyPoints.length : 1;
  return {
    concept_id: concept.concept_id,
    passed: uncovered.length === 0 && unsafe.length === 0 && timing.length === 0,
    coverage: Math.round(coverage * 1000) / 1000,
    uncovered_key_points: uncovered,
    unsafe_scenes: unsafe,
    timing_problems: timing,
  };
}

/** The better of two reports: passed first, then nothing unsafe, then coverage, then timing. */
export function qaRank(r: QaReport): number {
  return (r.passed ? 1000 : 0) + (r.unsafe_scenes.length === 0 ? 100 : 0) + (r.timing_problems.length === 0 ? 50 : 0) + r.coverage * 10;
}
