/**
 * Seed 002's choices (section 1, `POST /jobs`): the lengths, the published styles and genres with
 * the words each adds to a generation prompt, the language models a request may name, the review
 * modes; and what a plan costs and allows.
 */
export const MV_APP = 'safetymv';

/** `length` as the seed writes it, in seconds. */
export const LENGTHS = { '30s': 30, '60s': 60, '90s': 90 } as const;
export type Length = keyof typeof LENGTHS;

export const STYLES = {
  minimal: 'minimal flat design, clean shapes, generous white space',
  modern: 'modern motion graphics, bold typography, crisp lighting',
  cartoon: 'friendly cartoon, rounded characters, bright colors',
  anime: 'anime illustration, clean line art, cel shading',
  cinematic: 'cinematic live-action look, shallow depth of field',
  documentary: 'documentary realism, natural light, handheld framing',
  retro: 'retro 80s palette, film grain, neon accents',
  claymation: 'claymation, handmade clay figures, soft studio light',
  watercolor: 'watercolor illustration, soft washes, paper texture',
  'pixel-art': 'pixel art, limited palette, crisp pixels',
} as const;
export type Style = keyof typeof STYLES;

export const GENRES = {
  hiphop: 'hip-hop beat, punchy drums, rhythmic rap verses',
  kpop: 'upbeat K-pop, catchy hook, bright synths',
  ballad: 'gentle ballad, piano and strings, warm vocals',
  rock: 'driving rock, electric guitars, energetic drums',
  edm: 'EDM, four-on-the-floor beat, build and drop',
  trot: 'Korean trot, brass and accordion, lively rhythm',
  jazz: 'light swing jazz, walking bass, brushed drums',
  folk: 'acoustic folk, strummed guitar, clear vocals',
  children: "children's song, simple melody, clapping, sing-along chorus",
  reggae: 'reggae groove, offbeat guitar skank, relaxed bass',
} as const;
export type Genre = keyof typeof GENRES;

/**
 * The language models a request may name (`llm_model`), passed to the text provider: OpenAI's
 * names; an OpenAI-compatible local server answers with whatever it serves under them.
 */
export const LLM_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini'] as const;
export const DEFAULT_LLM_MODEL: (typeof LLM_MODELS)[number] = 'gpt-4o-mini';
export const DEFAULT_TEMPERATURE = 0.4;

/** skip: never ask a person; always: always; auto: when QA flags a problem in the chosen concept. */
export const HITL_MODES = ['skip', 'always', 'auto'] as const;
export type HitlMode = (typeof HITL_MODES)[number];

/** The states of seed 002 in order: the job's `state` and `state_history`. */
export const MV_STATES = ['INIT', 'CONCEPT_GEN', 'QA', 'HITL', 'LOCK_BLUEPRINT_CORE', 'STYLE_BIND'] as const;
export type MvState = (typeof MV_STATES)[number];

/** The PDF upload (`POST /jobs/upload`): at most 20 MB and 100 pages. */
export const MAX_PDF_BYTES = 20 * 1024 * 1024;
export const MAX_PDF_PAGES = 100;
/** Typed guidelines, in characters (a PDF's text is bounded by its pages). */
export const MAX_GUIDELINES_CHARS = 50_000;
export const MAX_REQUIREMENTS_CHARS = 1_000;

/**
 * The longest clip a scene video is asked for, in seconds: Sora 2 makes 4, 8 or 12 s and most
 * hosted video models 5 to 10 s; a longer scene is split into clips of at most this.
 */
export const MAX_CLIP_SECONDS = 8;
/** A scene shorter than this cannot carry an action a viewer can follow. */
export const MIN_SCENE_SECONDS = 2;

/** How long a job waits for its review before it fails (and is refunded). */
export const REVIEW_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

/**
 * Credits by default (the PRICES setting changes them): a plan 2 (the language model's work), its
 * character image 1 (refunded if the image fails); a render is priced by its clips and music.
 */
export const MV_PRICES = { plan: 2, character: 1, clip: 1, music: 2 } as const;

/** Per plan: plans at once (one waiting for review counts), and plans a day in QUOTA_TZ. */
export const MV_PLAN_LIMITS = {
  free: { runningJobs: 3, plansPerDay: 20 },
  pro: { runningJobs: 10, plansPerDay: 200 },
} as const;
