import { z } from '@hono/zod-openapi';
import { keysOf } from '../../core/enum-keys';
import { directionOverrideMessage, oneOf, typeError, withoutDirectionOverrides } from '../../http/field-errors';
import { Blueprint, Evidence, QaReportSchema } from './mv-artifacts';
import { Concept } from './mv-concepts';
import { CharacterAsset, MediaPlan } from './mv-media-plan';
import { DEFAULT_LLM_MODEL, DEFAULT_TEMPERATURE, GENRES, HITL_MODES, LENGTHS, LLM_MODELS, MAX_GUIDELINES_CHARS, MAX_REQUIREMENTS_CHARS, MV_STATES, STYLES } from './mv-options';

const MAX_STYLES = 3;
/** Scenes a reviewed script may have: with the parts of longer scenes, a render stays within its clips (MAX_RENDER_CLIPS). */
const MAX_SCENES = 24;
/** Text that may be empty (textField's rules otherwise). */
const freeText = (name: string, max: number) =>
  z.string({ error: typeError(name, 'a string') }).max(max, `${name} must be at most ${max} characters`)
    .refine(withoutDirectionOverrides, directionOverrideMessage(name))
    // One form of each letter: Korean pasted from macOS arrives decomposed (NFD) and would match nothing.
    .transform((s) => s.normalize('NFC'));

/** Seed 002 section 1 `POST /jobs`: the guidelines (or a PDF, through /upload) and the options. */
export const PlanBody = z
  .object({
    guidelines: freeText('guidelines', MAX_GUIDELINES_CHARS).default('').openapi({ example: '작업 전 보호구를 착용한다.\n장비 이상 징후 발견 시 즉시 중지한다.' }),
    length: oneOf('length', keysOf(LENGTHS)).default('30s'),
    selectedStyles: z.array(oneOf('selectedStyles', keysOf(STYLES)), { error: typeError('selectedStyles', `a list of styles (${keysOf(STYLES).join(', ')})`) })
      .min(1, `selectedStyles must name at least one of ${keysOf(STYLES).join(', ')}`).max(MAX_STYLES, `selectedStyles may name at most ${MAX_STYLES} styles`)
      .refine((a) => new Set(a).size === a.length, 'selectedStyles names a style twice; name each once')
      .default(['minimal']),
    selectedGenres: oneOf('selectedGenres', keysOf(GENRES)).default('kpop').openapi({ description: 'One genre, as the seed names the field' }),
    additionalRequirements: freeText('additionalRequirements', MAX_REQUIREMENTS_CHARS).default(''),
    llm_model: oneOf('llm_model', LLM_MODELS).default(DEFAULT_LLM_MODEL),
    llm_temperature: z.number({ error: typeError('llm_temperature', 'a number from 0 to 2') })
      .min(0, 'llm_temperature must be from 0 to 2').max(2, 'llm_temperature must be from 0 to 2').default(DEFAULT_TEMPERATURE),
    hitl_mode: oneOf('hitl_mode', HITL_MODES).default('auto').openapi({ description: 'skip: never ask; always: always; auto: when QA flags the chosen concept' }),
  })
  .strict()
  .openapi('MvPlanRequest');

/** Seed 002 section 2 (multipart): the PDF in `file` and the same fields as strings, `selectedStyles` comma separated. */
export const UploadForm = z
  .object({
    // Optional to the validator so that a missing file gets its own code (FILE_REQUIRED), said by the route.
    file: z.any().optional().openapi({ type: 'string', format: 'binary', description: 'Required: the guidelines as a PDF, at most 20 MB and 100 pages, not encrypted, with a text layer' }),
    guidelines: z.string().optional(),
    length: z.string().optional(),
    selectedStyles: z.string().optional().openapi({ example: 'minimal,modern' }),
    selectedGenres: z.string().optional(),
    additionalRequirements: z.string().optional(),
    llm_model: z.string().optional(),
    llm_temperature: z.string().optional().openapi({ example: '0.4' }),
    hitl_mode: z.string().optional(),
  })
  .openapi('MvPlanUpload');

export const JobIdResponse = z.object({ job_id: z.string() }).openapi('MvJobId');

const QA = QaReportSchema.openapi('MvQaReport');

export const RenderResponse = z
  .object({
    job_id: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    progress: z.number(),
    clips_done: z.number().int(), clips_total: z.number().int(), music_done: z.boolean(),
    video_url: z.string().nullable().openapi({ description: 'H.264/AAC MP4 with the lyrics as a mov_text subtitle track; signed, expires' }),
    poster_url: z.string().nullable(),
    subtitles_url: z.string().nullable().openapi({ description: 'The lyrics as WebVTT, for a <track> beside the video' }),
    duration_seconds: z.number().nullable(),
    error: z.string().nullable(), error_code: z.string().nullable(),
  })
  .openapi('MvRender');

export const RenderStarted = z.object({ job_id: z.string(), render_job_id: z.string(), status: z.literal('running') }).openapi('MvRenderStarted');

export const PlanResponse = z
  .object({
    job_id: z.string(),
    status: z.enum(['running', 'hitl_required', 'completed', 'failed']),
    progress: z.number(),
    state: z.enum(MV_STATES).openapi({ description: 'The state it is in (beyond the seed: also while running)' }),
    state_history: z.array(z.enum(MV_STATES)),
    request: z.object({
      length: z.enum(keysOf(LENGTHS)), length_seconds: z.number().int(), selectedStyles: z.array(z.enum(keysOf(STYLES))), selectedGenres: z.enum(keysOf(GENRES)),
      llm_model: z.enum(LLM_MODELS), llm_temperature: z.number(), hitl_mode: z.enum(HITL_MODES),
      pdf: z.object({ filename: z.string(), pages: z.number().int() }).nullable(),
    }).openapi({ description: 'What was asked (beyond the seed)' }),
    trace: z.array(z.string()).openapi({ description: 'The readable trace, also while running (beyond the seed; result.trace once there is a result)' }),
    render: RenderResponse.nullable().openapi({ description: 'The newest render of the plan (POST .../render), beyond the seed' }),
    result: z.object({
      job: z.object({
        state: z.enum(MV_STATES),
        artifacts: z.object({
          extracted_keywords: z.array(z.string()).optional(),
          key_points: z.array(z.string()).optional(),
          keyword_evidence: z.array(Evidence.openapi('MvKeywordEvidence')).optional().openapi({ description: 'text.slice(start_offset, end_offset) of the page (GET .../pages) is the keyword as written; page 0 is typed text' }),
          prohibitions: z.array(z.string()).optional(),
          language: z.enum(['ko', 'en', 'mixed']).optional(),
          concepts: z.array(Concept.extend({ qa: QA.nullable() }).openapi('MvConcept')).optional(),
          blueprint: Blueprint.openapi('MvBlueprint').optional(),
          character_asset: CharacterAsset.openapi('MvCharacterAsset').optional(),
          media_plan: MediaPlan.openapi('MvMediaPlan').optional(),
        }),
      }),
      hitl: z.object({
        requires_human: z.boolean(),
        selected_concept_id: z.string().nullable().optional().openapi({ description: 'While waiting: the concept QA suggests; after a review: the one chosen' }),
        reason: z.enum(['always', 'qa_flagged']).optional().openapi({ description: 'Why a person is asked: hitl_mode always, or auto and QA flagged the suggested concept' }),
        reviewed: z.boolean().optional(),
      }),
      state_history: z.array(z.enum(MV_STATES)),
      trace: z.array(z.string()),
    }).nullable(),
    error: z.string().nullable(),
    error_code: z.string().nullable(),
  })
  .openapi('MvPlan');

const SceneBody = z.object({
  start: z.number({ error: typeError('start', 'a number of seconds') }).min(0, 'start must be 0 or more'),
  end: z.number({ error: typeError('end', 'a number of seconds') }),
  description: z.string({ error: typeError('description', 'a string') }).trim().min(1, 'description is required').max(1000, 'description must be at most 1000 characters')
    .transform((s) => s.normalize('NFC')),
}).strict();

/** Seed 002 section 4. */
export const HitlBody = z
  .object({
    job_id: z.string().max(100).optional().openapi({ description: 'When sent, it must be the job of the path' }),
    selected_concept_id: z.string({ error: typeError('selected_concept_id', 'a string', 'the concept to keep, e.g. c1') }).min(1).max(20),
    edited_lyrics: z.string({ error: typeError('edited_lyrics', 'a string') }).max(5000, 'edited_lyrics must be at most 5000 characters')
      .transform((s) => s.normalize('NFC')).optional(),
    edited_mv_script: z.array(SceneBody, { error: typeError('edited_mv_script', 'a list of scenes {start, end, description}') })
      .min(1, 'edited_mv_script must have at least one scene').max(MAX_SCENES, `edited_mv_script may have at most ${MAX_SCENES} scenes`).optional(),
  })
  .strict()
  .openapi('MvHitlRequest');

export const HitlResponse = z.object({ job_id: z.string(), status: z.literal('running'), message: z.string() }).openapi('MvHitlAccepted');

export const CharacterResponse = z
  .object({
    asset_id: z.string(),
    status: z.enum(['submitted', 'ready', 'failed']),
    preview_url: z.string().nullable().openapi({ description: 'A signed URL that expires (MEDIA_URL_TTL_SEC); null until ready' }),
  })
  .openapi('MvCharacter');

export const OptionsResponse = z
  .object({
    lengths: z.array(z.enum(keysOf(LENGTHS))), styles: z.array(z.enum(keysOf(STYLES))), genres: z.array(z.enum(keysOf(GENRES))),
    llm_models: z.array(z.enum(LLM_MODELS)), hitl_modes: z.array(z.enum(HITL_MODES)),
    defaults: z.object({ llm_model: z.enum(LLM_MODELS), llm_temperature: z.number() }),
    limits: z.object({ pdf_max_bytes: z.number().int(), pdf_max_pages: z.number().int(), guidelines_max_chars: z.number().int() }),
    prices: z.object({ plan: z.number().int(), character: z.number().int(), clip: z.number().int(), music: z.number().int() }).openapi({ description: 'Credits: a plan and its character image at submit; a render is a clip each plus the music' }),
  })
  .openapi('MvOptions');

export const PagesResponse = z
  .object({ pages: z.array(z.object({ page_number: z.number().int(), text: z.string() })) })
  .openapi('MvSourcePages');
