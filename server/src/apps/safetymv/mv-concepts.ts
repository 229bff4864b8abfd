import { z } from 'zod';
import type { TextRequest } from '../../core/ports/providers';
import { GENRES, LENGTHS, STYLES } from './mv-options';
import type { PlanJobInput } from './mv-input';
import { qaRank, reviewConcept, type GuidelineBrief, type QaReport } from './mv-qa';
import { defaultSceneCount, sceneGrid } from './mv-script';

export const ScriptScene = z.object({ scene_id: z.string(), start: z.number(), end: z.number(), description: z.string() });
export type ScriptScene = z.infer<typeof ScriptScene>;

/** One music-video concept: lyrics and an MV script whose scenes cover the length (seed 002 CONCEPT_GEN). */
export const Concept = z.object({
  concept_id: z.string(),
  title: z.string(),
  logline: z.string(),
  lyrics: z.string(),
  mv_script: z.array(ScriptScene),
  /** Written by the language model, or the app's own draft (when the model's failed QA or did not answer in shape). */
  source: z.enum(['model', 'draft']),
});
export type Concept = z.infer<typeof Concept>;

/** Concepts a plan offers (seed: at least 2). */
export const CONCEPT_COUNT = 3;

type Lang = 'ko' | 'en';
const langOf = (brief: GuidelineBrief): Lang => (brief.language === 'en' ? 'en' : 'ko');

// Three angles on the same guidelines; each scene shows one key point done the right way.
const ANGLES: Record<Lang, { title: string; logline: string; scene: (point: string, i: number, n: number) => string; chorus: (kw: string[]) => string }[]> = {
  ko: [
    {
      title: '오늘도 무사히: 현장의 하루',
      logline: '한 작업자가 하루 동안 지침을 하나씩 지키며 안전하게 일을 마친다.',
      scene: (p) => `작업자가 현장에서 올바르게 실천한다: ${p}`,
      chorus: (kw) => `${kw.join(', ')} — 오늘도 무사히, 안전이 먼저!`,
    },
    {
      title: '안전 구호 챌린지',
      logline: '동료들이 박자에 맞춰 구호를 외치며 지침을 함께 실천한다.',
      scene: (p) => `동료들이 박자에 맞춰 함께 올바르게 보여준다: ${p}`,
      chorus: (kw) => kw.map((k) => `외쳐 봐, ${k}!`).join(' ') + ' 다 함께 안전!',
    },
    {
      title: '체크리스트 카운트다운',
      logline: '작업 시작 전 카운트다운에 맞춰 체크리스트를 하나씩 완료한다.',
      scene: (p, i, n) => `카운트다운 ${n - i}: 체크 표시와 함께 올바르게 실천한다: ${p}`,
      chorus: (kw) => `하나, 둘, 셋 — ${kw.join(', ')} 확인 완료!`,
    },
  ],
  en: [
    {
      title: 'Home Safe: A Day on Site',
      logline: 'A worker goes through the day following each rule and heads home safe.',
      scene: (p) => `A worker on site does it the right way: ${p}`,
      chorus: (kw) => `${kw.join(', ')} — home safe today, safety first!`,
    },
    {
      title: 'Safety Chant Challenge',
      logline: 'The crew chants the rules to the beat and does each one together.',
      scene: (p) => `The crew shows it together, on the beat, the right way: ${p}`,
      chorus: (kw) => kw.map((k) => `Shout it, ${k}!`).join(' ') + ' Safe together!',
    },
    {
      title: 'Checklist Countdown',
      logline: 'Before work starts, a countdown ticks off the checklist one item at a time.',
      scene: (p, i, n) => `Countdown ${n - i}: checked off, done the right way: ${p}`,
      chorus: (kw) => `One, two, three — ${kw.join(', ')}, all checked!`,
    },
  ],
};

const asLine = (sentence: string) => sentence.replace(/[.!?。]+$/u, '').trim();

/**
 * The app's own concepts, made from the guidelines without a model: each scene shows a key point
 * done the right way, and the verses sing every key point with a chorus of the top keywords. What
 * a plan falls back to when the model's concept is not usable, and the shape the model is shown.
 */
export function draftConcepts(brief: GuidelineBrief, input: Pick<PlanJobInput, 'length'>): Concept[] {
  const lang = langOf(brief);
  const lengthSec = LENGTHS[input.length];
  const grid = sceneGrid(lengthSec, defaultSceneCount(lengthSec));
  const points = brief.keyPoints.length ? brief.keyPoints.map(asLine)
    : brief.keywords.length ? brief.keywords.map((k) => (lang === 'ko' ? `${k} 수칙을 지킨다` : `follow the ${k} rules`))
    : [lang === 'ko' ? '안전 수칙을 지킨다' : 'follow the safety rules'];
  const chorusWords = brief.keywords.slice(0, 3).length ? brief.keywords.slice(0, 3) : [lang === 'ko' ? '안전' : 'safety'];
  return ANGLES[lang].slice(0, CONCEPT_COUNT).map((angle, a) => {
    const half = Math.ceil(points.length / 2);
    const lyrics = [
      lang === 'ko' ? '[1절]' : '[Verse 1]', ...points.slice(0, half),
      lang === 'ko' ? '[후렴]' : '[Chorus]', angle.chorus(chorusWords),
      ...(points.length > half ? [lang === 'ko' ? '[2절]' : '[Verse 2]', ...points.slice(half)] : []),
      lang === 'ko' ? '[후렴]' : '[Chorus]', angle.chorus(chorusWords),
    ].join('\n');
    return {
      concept_id: `c${a + 1}`,
      title: angle.title,
      logline: angle.logline,
      lyrics,
      mv_script: grid.map((t, i) => ({ scene_id: `scene_${i + 1}`, ...t, description: angle.scene(points[(i + a) % points.length]!, i, grid.length) })),
      source: 'draft' as const,
    };
  });
}

/** The model's answer: keywords it proposes, and per concept the words for the draft's scene slots. */
const ModelAnswer = z.object({
  keywords: z.array(z.string()).max(20),
  concepts: z.array(z.object({
    title: z.string().min(1),
    logline: z.string(),
    lyrics: z.string().min(1),
    scenes: z.array(z.object({ description: z.string().min(1) })),
  })),
});

const answerSchema = (scenes: number) => ({
  type: 'object',
  properties: {
    keywords: { type: 'array', items: { type: 'string' }, maxItems: 12 },
    concepts: {
      type: 'array', minItems: CONCEPT_COUNT, maxItems: CONCEPT_COUNT,
      items: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          logline: { type: 'string' },
          lyrics: { type: 'string' },
          scenes: { type: 'array', minItems: scenes, maxItems: scenes, items: { type: 'object', properties: { description: { type: 'string' } }, required: ['description'] } },
        },
        required: ['title', 'logline', 'lyrics', 'scenes'],
      },
    },
  },
  required: ['keywords', 'concepts'],
});

/**
 * The text provider's request for the concepts: the guidelines' key points and prohibitions, the
 * options, and the scene slots (times fixed by us, so the timing always adds up); with the
 * request's `llm_model` and `llm_temperature`. Structured output (TextRequest.json).
 */
export function conceptRequest(brief: GuidelineBrief, input: PlanJobInput, drafts: Concept[]): TextRequest {
  const lang = langOf(brief);
  const slots = drafts[0]!.mv_script;
  const system = [
    'You write short music videos that teach workplace safety guidelines.',
    `Write ${CONCEPT_COUNT} different concepts. Each has a title, a one-sentence logline, song lyrics that sing every key point, and one description per scene slot of what the viewer sees.`,
    'Every scene shows the right way to work. Never show a hazard acted out or protection left off unless the scene says plainly that it is wrong.',
    `Write in ${lang === 'ko' ? 'Korean' : 'English'}. Propose up to 12 keywords copied exactly as they are written in the guidelines.`,
  ].join('\n');
  const prompt = [
    `Length: ${input.length}. Genre: ${input.selectedGenres} (${GENRES[input.selectedGenres]}). Styles: ${input.selectedStyles.map((s) => `${s} (${STYLES[s]})`).join('; ')}.`,
    input.additionalRequirements ? `Requirements: ${input.additionalRequirements}` : '',
    'Key points:', ...brief.keyPoints.map((p, i) => `${i + 1}. ${p}`),
    brief.prohibitions.length ? 'Prohibited (never shown as done):' : '', ...brief.prohibitions.map((p) => `- ${p}`),
    `Scene slots (${slots.length}): ${slots.map((s) => `${s.start}-${s.end}s`).join(', ')}.`,
    'Example concept (improve on it):', `Title: ${drafts[0]!.title}`, drafts[0]!.lyrics,
  ].filter(Boolean).join('\n');
  return {
    system, prompt, seed: input.seed, model: input.llm_model, temperature: input.llm_temperature,
    json: { name: 'safety_mv_concepts', schema: answerSchema(slots.length) },
  };
}

export interface ConceptChoice {
  concepts: Concept[];
  reports: QaReport[];
  /** Keywords the model proposed (kept by the caller only where the text holds them). */
  proposedKeywords: string[];
  /** One line per concept: where it came from and why. */
  notes: string[];
}

/**
 * The concepts from the model's answer (JSON text), each checked by QA against its draft: the
 * model's concept is kept unless it is unsafe, breaks the timing or covers less of the key points
 * than the draft does; otherwise the draft takes its place. An answer that is not in shape keeps
 * every draft.
 */
export function chooseConcepts(answerText: string | null, drafts: Concept[], brief: GuidelineBrief, lengthSec: number): ConceptChoice {
  let answer: z.infer<typeof ModelAnswer> | null = null;
  try {
    const parsed = ModelAnswer.safeParse(answerText === null ? null : JSON.parse(answerText));
    if (parsed.success) answer = parsed.data;
  } catch {
    answer = null;
  }
  const notes: string[] = [];
  if (!answer) notes.push('the model gave no usable answer: the drafts are used');
  const concepts: Concept[] = [];
  const reports: QaReport[] = [];
  drafts.forEach((draft, i) => {
    const draftReport = reviewConcept(draft, brief, lengthSec);
    const proposal = answer?.concepts[i];
    if (!proposal || proposal.scenes.length !== draft.mv_script.length) {
      if (answer) notes.push(`${draft.concept_id}: the model's concept does not fit the ${draft.mv_script.length} scene slots; the draft is used`);
      concepts.push(draft);
      reports.push(draftReport);
      return;
    }
    const mine: Concept = {
      concept_id: draft.concept_id, title: proposal.title.trim(), logline: proposal.logline.trim(), lyrics: proposal.lyrics.trim(),
      mv_script: draft.mv_script.map((s, j) => ({ ...s, description: proposal.scenes[j]!.description.trim() })), source: 'model',
    };
    const report = reviewConcept(mine, brief, lengthSec);
    const worse = report.unsafe_scenes.length > 0 || report.timing_problems.length > 0 || report.coverage < draftReport.coverage;
    if (worse) {
      notes.push(`${draft.concept_id}: the model's concept ${report.unsafe_scenes.length ? 'shows something unsafe' : report.timing_problems.length ? 'breaks the timing' : `covers ${pct(report.coverage)} of the key points (the draft ${pct(draftReport.coverage)})`}; the draft is used`);
      concepts.push(draft);
      reports.push(draftReport);
    } else {
      notes.push(`${draft.concept_id}: written by the model, covers ${pct(report.coverage)} of the key points`);
      concepts.push(mine);
      reports.push(report);
    }
  });
  return { concepts, reports, proposedKeywords: answer?.keywords ?? [], notes };
}

/** The concept QA ranks first (the first of equals). */
export function bestConcept(reports: QaReport[]): QaReport {
  return reports.reduce((a, b) => (qaRank(b) > qaRank(a) ? b : a));
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
