/**
 * What the offline NSFW classifier (nsfwjs's MobileNetV2, five classes) says of an image, and when
 * that blocks it. Scores are probabilities 0..1 that sum to 1.
 */
export interface NsfwScores {
  drawing: number;
  hentai: number;
  neutral: number;
  porn: number;
  sexy: number;
}

/** Where an image is blocked: explicit (porn + hentai) or suggestive-to-explicit (adding sexy) mass. */
export interface NsfwThresholds {
  explicit: number;
  suggestive: number;
}

/**
 * Measured on the model: flat grey noise scores porn about 0.27, so the top class alone is not a
 * verdict; blocking needs the mass of the explicit classes.
 */
export const NSFW_THRESHOLDS: NsfwThresholds = { explicit: 0.6, suggestive: 0.8 };

/** The reason an image is blocked, or null when it may be shown. */
export function nsfwVerdict(s: NsfwScores, t: NsfwThresholds = NSFW_THRESHOLDS): string | null {
  const explicit = s.porn + s.hentai;
  if (explicit >= t.explicit) return `explicit content (score ${explicit.toFixed(2)})`;
  if (explicit + s.sexy >= t.suggestive) return `sexual content (score ${(explicit + s.sexy).toFixed(2)})`;
  return null;
}
