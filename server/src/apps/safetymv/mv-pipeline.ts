import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import { nsfwVerdict } from '../../core/media/nsfw-policy';
import { analyzeGuidelines, type GuidelineAnalysis, type SourcePage } from '../../core/text/guidelines/analyze-guidelines';
import { stepsFor, type PipelineDef, type StepContext } from '../../engine/pipeline';
import { itemFailureOf } from '../../engine/step-run';
import { Artifacts, Blueprint, QaReportSchema } from './mv-artifacts';
import { bestConcept, chooseConcepts, Concept, conceptRequest, draftConcepts } from './mv-concepts';
import { PlanJobInput } from './mv-input';
import { CharacterAsset, MediaPlan, mediaPlan } from './mv-media-plan';
import { LENGTHS, MV_APP, REVIEW_TIMEOUT_MS } from './mv-options';
import { reviewConcept, type GuidelineBrief } from './mv-qa';
import { HitlDecision } from './mv-review';
import { lyricTimeline } from './mv-script';

export const PLAN_PIPELINE = 'safetymv.plan';
/** The character image's item: charged with the plan, refunded alone if the image fails. */
export const CHARACTER_ITEM = 0;
/** Reads of the extracted pages: 100 pages of text are far below this. */
const MAX_PAGES_JSON = 16 * 1024 * 1024;



/** The guidelines as pages: the typed text as page 0 (when there is any), then a PDF's pages 1..n. */
export function pagesFrom(guidelines: string, pdfPages: readonly string[] | null): SourcePage[] {
  const pages: SourcePage[] = guidelines.trim() ? [{ pageNumber: 0, text: guidelines }] : [];
  pdfPages?.forEach((text, i) => pages.push({ pageNumber: i + 1, text }));
  return pages;
}

/** The job's guidelines as pages, a PDF's read back from where the upload stored them. */
export async function sourcePages(ctx: Pick<StepContext<PlanJobInput>, 'input' | 'storage'>): Promise<SourcePage[]> {
  let pdfPages: string[] | null = null;
  if (ctx.input.pdf) {
    const raw = await ctx.storage.get(ctx.input.pdf.pagesKey, MAX_PAGES_JSON);
    if (!raw) throw new FatalStepError('The text of the uploaded PDF is no longer stored', 'SOURCE_MISSING');
    pdfPages = JSON.parse(raw.toString('utf8')) as string[];
  }
  return pagesFrom(ctx.input.guidelines, pdfPages);
}

const artifactsOf = (a: GuidelineAnalysis): Artifacts => ({
  extracted_keywords: a.keywords, key_points: a.keyPoints, keyword_evidence: a.evidence, prohibitions: a.prohibitions, language: a.language,
});
const briefOf = (a: Artifacts): GuidelineBrief => ({ keywords: a.extracted_keywords, keyPoints: a.key_points, prohibitions: a.prohibitions, language: a.language });

const step = stepsFor<PlanJobInput>();

/** INIT: the text per page, its keywords (particles stripped, scored with the safety lexicon), key points and evidence. */
const init = step({
  name: 'INIT',
  weight: 1,
  output: Artifacts,
  async run(ctx) {
    const pages = await sourcePages(ctx);
    const analysis = analyzeGuidelines(pages);
    const chars = pages.reduce((n, p) => n + p.text.length, 0);
    await ctx.trace(`read ${pages.length} page(s), ${chars} characters (${analysis.language}); ${analysis.keywords.length} keywords, ${analysis.keyPoints.length} key points, ${analysis.prohibitions.length} prohibitions`);
    return { output: artifactsOf(analysis) };
  },
});

/**
 * CONCEPT_GEN: the language model (the request's llm_model and llm_temperature) writes the
 * concepts into our scene slots and proposes keywords; a proposed keyword is kept only where the
 * text holds it (its evidence computed from the text, never taken from the model), and a concept
 * of the model's that QA finds worse than the app's own draft gives way to the draft.
 */
const conceptGen = step({
  name: 'CONCEPT_GEN',
  weight: 3,
  output: z.object({ concepts: z.array(Concept), notes: z.array(z.string()), artifacts: Artifacts }),
  async run(ctx) {
    const first = ctx.output(init);
    const brief = briefOf(first);
    const lengthSec = LENGTHS[ctx.input.length];
    const drafts = draftConcepts(brief, ctx.input);
    let answer: string | null = null;
    try {
      answer = await ctx.predict('concepts', 'text', conceptRequest(brief, ctx.input, drafts), { reason: 'concepts from the language model' });
    } catch (err) {
      // Only a failed prediction is survivable (the drafts stand in); the engine's own signals pass.
      if (!(err instanceof FatalStepError)) throw err;
      await ctx.trace(`the language model failed (${err.message}); the drafts are used`);
    }
    const choice = chooseConcepts(answer, drafts, brief, lengthSec);
    let artifacts = first;
    const proposed = choice.proposedKeywords.filter((k) => !first.extracted_keywords.includes(k));
    if (proposed.length) {
      artifacts = artifactsOf(analyzeGuidelines(await sourcePages(ctx), { proposedKeywords: proposed }));
      const kept = proposed.filter((k) => artifacts.extracted_keywords.includes(k));
      await ctx.trace(`the model proposed ${proposed.length} keyword(s); kept with evidence in the text: ${kept.length ? kept.join(', ') : 'none'}`);
    }
    for (const note of choice.notes) await ctx.trace(note);
    return { output: { concepts: choice.concepts, notes: choice.notes, artifacts } };
  },
});

/** QA: every concept checked for key points covered, nothing unsafe shown, timing; the best one chosen. */
const qa = step({
  name: 'QA',
  weight: 1,
  local: true,
  output: z.object({ reports: z.array(QaReportSchema), selected_concept_id: z.string(), flagged: z.boolean() }),
  async run(ctx) {
    const { concepts, artifacts } = ctx.output(conceptGen);
    const reports = concepts.map((c) => reviewConcept(c, briefOf(artifacts), LENGTHS[ctx.input.length]));
    const best = bestConcept(reports);
    return { output: { reports, selected_concept_id: best.concept_id, flagged: !best.passed } };
  },
});

const HitlOutput = z.object({
  requires_human: z.boolean(),
  /** Why a person was asked (hitl_mode always, or auto and QA flagged the chosen concept). */
  reason: z.string().optional(),
  /** The person's decision, once they made it. */
  decision: HitlDecision.optional(),
});

/**
 * HITL: skip, or wait for a person's review (hitl_mode always; auto when QA flagged the chosen
 * concept). The wait holds no worker; `POST /mv/jobs/{id}/hitl` resumes it with the decision,
 * checked there (the concept exists, the edited scenes cover the length).
 */
const hitl = step({
  name: 'HITL',
  weight: 0.5,
  output: HitlOutput,
  async run(ctx) {
    const { flagged, selected_concept_id: chosen } = ctx.output(qa);
    const mode = ctx.input.hitl_mode;
    const reason = mode === 'always' ? 'hitl_mode is always' : mode === 'auto' && flagged ? `QA flagged concept ${chosen}` : null;
    if (!reason) return { output: { requires_human: false } };
    if (ctx.event === undefined) {
      await ctx.trace(`waiting for a person's review (${reason})`);
      return { wait: { reason: 'review', timeoutMs: REVIEW_TIMEOUT_MS } };
    }
    const decision = HitlDecision.safeParse(ctx.event);
    if (!decision.success) throw new FatalStepError('The review decision is not in shape', 'INVALID_REVIEW');
    const edits = [decision.data.edited_lyrics !== undefined ? 'lyrics' : '', decision.data.edited_mv_script ? 'scenes' : ''].filter(Boolean);
    await ctx.trace(`reviewed: concept ${decision.data.selected_concept_id} chosen${edits.length ? `, ${edits.join(' and ')} edited` : ''}`);
    return { output: { requires_human: true, reason, decision: decision.data } };
  },
});


/** LOCK_BLUEPRINT_CORE: the chosen concept with the person's edits, checked once more, its lyrics timed. */
const lock = step({
  name: 'LOCK_BLUEPRINT_CORE',
  weight: 0.5,
  local: true,
  output: Blueprint,
  async run(ctx) {
    const { concepts, artifacts } = ctx.output(conceptGen);
    const review = ctx.output(hitl).decision;
    const id = review?.selected_concept_id ?? ctx.output(qa).selected_concept_id;
    const concept = concepts.find((c) => c.concept_id === id);
    if (!concept) throw new FatalStepError(`No concept ${id}`, 'CONCEPT_NOT_FOUND');
    const lengthSec = LENGTHS[ctx.input.length];
    const edited: Concept = {
      ...concept,
      lyrics: review?.edited_lyrics ?? concept.lyrics,
      mv_script: review?.edited_mv_script?.map((s, i) => ({ scene_id: `scene_${i + 1}`, ...s })) ?? concept.mv_script,
    };
    const report = reviewConcept(edited, briefOf(artifacts), lengthSec);
    return {
      output: {
        concept_id: edited.concept_id, title: edited.title, logline: edited.logline, lyrics: edited.lyrics, mv_script: edited.mv_script,
        lyric_timeline: lyricTimeline(edited.lyrics, lengthSec), length_seconds: lengthSec,
        edited: !!(review?.edited_lyrics !== undefined || review?.edited_mv_script), qa: report,
      },
    };
  },
});

/** The plan's character asset id: one per job, named before the image exists (the seed's `submitted`). */
export const characterAssetIdOf = (jobId: string) => `chr_${jobId.replace(/^job_/, '')}`;

/** STYLE_BIND: the styles bound into the prompts, and the media plan; the character image is submitted next. */
const styleBind = step({
  name: 'STYLE_BIND',
  weight: 0.5,
  output: z.object({ character_asset: CharacterAsset, media_plan: MediaPlan }),
  async run(ctx) {
    const blueprint = ctx.output(lock);
    const { artifacts } = ctx.output(conceptGen);
    const plan = mediaPlan({
      characterAssetId: characterAssetIdOf(ctx.job.id), keywords: artifacts.extracted_keywords, title: blueprint.title, lyrics: blueprint.lyrics,
      scenes: blueprint.mv_script, styles: ctx.input.selectedStyles, genre: ctx.input.selectedGenres, length: ctx.input.length,
      routes: { image: ctx.providers.image.name, video: ctx.providers.video.name, music: ctx.providers.music.name },
    });
    await ctx.trace(`plan: ${plan.media_plan.video_jobs.length} clip(s) for ${blueprint.mv_script.length} scene(s), music ${blueprint.length_seconds}s, character image submitted`);
    return { output: plan };
  },
});

/** Portrait, as a character reference sheet is drawn. */
const CHARACTER_SIZE = { width: 768, height: 1024 } as const;
const CHARACTER_ATTEMPTS = 3;

const CharacterOutput = z.object({ status: z.enum(['ready', 'failed']), assetId: z.string().optional(), error: z.object({ code: z.string(), message: z.string() }).optional() });

/**
 * The character image (STYLE_BIND's `submitted`, then `ready`): generated, screened by the NSFW
 * classifier, stored. A failure refunds the image's credit and leaves the plan completed.
 */
const character = step({
  name: 'CHARACTER',
  weight: 1,
  maxAttempts: CHARACTER_ATTEMPTS,
  output: CharacterOutput,
  async run(ctx) {
    const { character_asset: asset } = ctx.output(styleBind);
    const failed = async (error: { code: string; message: string }) => {
      await ctx.settleItem(CHARACTER_ITEM, { error });
      await ctx.trace(`character image failed: ${error.message}`);
      return { output: { status: 'failed' as const, error } };
    };
    try {
      const image = await ctx.predict('character', 'image', { prompt: asset.prompt, ...CHARACTER_SIZE, seed: ctx.input.seed }, { reason: 'character image' });
      const screening = await ctx.media.screenImage(image.png);
      const blocked = nsfwVerdict(screening.nsfw);
      if (blocked) return await failed({ code: 'CONTENT_BLOCKED', message: `Blocked by the content guard: ${blocked}` });
      const saved = await ctx.saveAsset({
        slot: 'character', kind: 'image', body: image.png, mime: 'image/png', ext: 'png', width: image.width, height: image.height,
        phash: screening.phash, item: CHARACTER_ITEM, meta: { characterAssetId: asset.asset_id },
      });
      await ctx.settleItem(CHARACTER_ITEM, { output: { assetId: saved.id } });
      await ctx.trace('character image ready');
      return { output: { status: 'ready' as const, assetId: saved.id } };
    } catch (err) {
      return failed(itemFailureOf({ maxAttempts: CHARACTER_ATTEMPTS }, ctx.attempt, err));
    }
  },
});

export const PLAN_STEPS = { init, conceptGen, qa, hitl, lock, styleBind, character };

/** Seed 002: guidelines -> keywords with evidence -> concepts -> QA -> (review) -> locked blueprint -> plan and character. */
export const planPipeline: PipelineDef<PlanJobInput> = {
  id: PLAN_PIPELINE,
  app: MV_APP,
  input: PlanJobInput,
  steps: [init, conceptGen, qa, hitl, lock, styleBind, character],
};
