/** The choices seed 000 offers at confirm time, and what each costs. */
export const CLIP_MODES = ['quick', 'story', 'trailer'] as const;
export type ClipMode = (typeof CLIP_MODES)[number];

export const CLIP_STAGES = ['child', 'teen', 'twenties', 'thirties', 'middle', 'senior'] as const;
export const CLIP_GENRES = ['comedy', 'drama', 'romance', 'action', 'fantasy', 'horror', 'documentary', 'musical'] as const;
export const DISTANCE_MODES = ['similar', 'different', 'opposite'] as const;
export const DESIRED_ENDINGS = ['growth', 'happy', 'bittersweet', 'open', 'twist'] as const;

export const DEFAULT_SLIDERS = { realism: 0.6, intensity: 0.4, pace: 0.7 } as const;

/** Credits a confirm costs: story 2, trailer 5, quick free (once a day); the rewrite adds 1 to paid modes. */
export function clipsPrice(mode: ClipMode, rewriteEnabled: boolean): number {
  if (mode === 'quick') return 0;
  return (mode === 'story' ? 2 : 5) + (rewriteEnabled ? 1 : 0);
}

/** Clips' limits per plan: running jobs (the engine admits against it) and free quick packs a day (seed 000: 1). */
export const CLIPS_PLAN_LIMITS = {
  free: { runningJobs: 1, quickPerDay: 1 },
  pro: { runningJobs: 3, quickPerDay: 1 },
} as const;
