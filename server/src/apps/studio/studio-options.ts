/**
 * Seed 001's choices (section 2, `/api/prompts {idea, style, mood, camera, ratio, extra}`): the
 * vocabularies the API publishes as enums, each with the words it adds to a generation prompt,
 * and what each action costs and allows (section 4: per-user credits and limits).
 */
export const STYLES = {
  photorealistic: 'photorealistic photograph, natural detail',
  cinematic: 'cinematic film still, anamorphic lighting, shallow depth of field',
  anime: 'anime illustration, clean line art, cel shading',
  watercolor: 'watercolor painting, soft washes, paper texture',
  'oil-painting': 'oil painting, visible brush strokes, rich texture',
  '3d-render': '3D render, soft global illumination, physically based materials',
  'pixel-art': 'pixel art, limited palette, crisp pixels',
  illustration: 'editorial illustration, flat shapes, bold color',
} as const;

export const MOODS = {
  warm: 'warm, cozy atmosphere, golden tones',
  calm: 'calm, serene atmosphere, gentle light',
  dramatic: 'dramatic atmosphere, strong contrast, deep shadows',
  mysterious: 'mysterious atmosphere, fog, muted colors',
  joyful: 'joyful, bright and lively atmosphere, vivid colors',
  melancholic: 'melancholic atmosphere, cool desaturated tones',
  dreamy: 'dreamy atmosphere, soft glow, pastel colors',
  tense: 'tense atmosphere, harsh light, tight framing',
} as const;

export const CAMERAS = {
  'wide-shot': 'wide establishing shot',
  'close-up': 'close-up shot',
  'medium-shot': 'medium shot',
  aerial: 'aerial drone view from above',
  'low-angle': 'low-angle shot looking up',
  'over-the-shoulder': 'over-the-shoulder shot',
  macro: 'macro lens, extreme close detail',
  tracking: 'tracking shot following the subject',
} as const;

/** Long side 1024: what image models make natively (OpenAI's sizes are matched by the adapter). */
export const RATIOS = {
  '1:1': { width: 1024, height: 1024, words: 'square composition' },
  '3:4': { width: 768, height: 1024, words: 'portrait 3:4 composition' },
  '4:3': { width: 1024, height: 768, words: 'landscape 4:3 composition' },
  '9:16': { width: 576, height: 1024, words: 'vertical 9:16 composition' },
  '16:9': { width: 1024, height: 576, words: 'widescreen 16:9 composition' },
} as const;

export type Style = keyof typeof STYLES;
export type Mood = keyof typeof MOODS;
export type Camera = keyof typeof CAMERAS;
export type Ratio = keyof typeof RATIOS;

/** The video sizes of the Videos API (sora-2: 1280x720, 720x1280; sora-2-pro adds 1792x1024, 1024x1792). */
export const VIDEO_SIZES = ['1280x720', '720x1280', '1792x1024', '1024x1792'] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];
/** The lengths the Videos API takes (`seconds`: "4", "8", "12"). */
export const VIDEO_SECONDS = [4, 8, 12] as const;

export const MAX_PROMPT_CHARS = 2000;

/** Credits by default (the PRICES setting changes them): an image 1, a video 5; a prompt is free. */
export const STUDIO_PRICES = { image: 1, video: 5 } as const;

/**
 * Per plan: jobs at once (a video, an image and a prompt together fit the free plan), and requests
 * a minute to each endpoint (429 RATE_LIMITED with Retry-After past them). Status reads are free.
 */
export const STUDIO_PLAN_LIMITS = {
  free: { runningJobs: 4, promptsPerMinute: 20, imagesPerMinute: 10, videosPerMinute: 3 },
  pro: { runningJobs: 10, promptsPerMinute: 60, imagesPerMinute: 30, videosPerMinute: 10 },
} as const;
