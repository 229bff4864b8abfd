import { z } from 'zod';
import { CAMERAS, MOODS, RATIOS, STYLES, VIDEO_SECONDS, VIDEO_SIZES } from './studio-options';
import { keysOf } from '../../core/enum-keys';

/** The inputs the studio's jobs keep: what history shows and regenerate repeats (with a new seed). */
export const PromptJobInput = z.object({
  idea: z.string(),
  style: z.enum(keysOf(STYLES)),
  mood: z.enum(keysOf(MOODS)),
  camera: z.enum(keysOf(CAMERAS)),
  ratio: z.enum(keysOf(RATIOS)),
  extra: z.string().optional(),
});
export type PromptJobInput = z.infer<typeof PromptJobInput>;

export const ImageJobInput = z.object({
  prompt: z.string(),
  ratio: z.enum(keysOf(RATIOS)),
  style: z.enum(keysOf(STYLES)).optional(),
  negativePrompt: z.string().optional(),
  seed: z.number().int().nonnegative(),
  /** The image this one regenerates, when it does. */
  regeneratedFrom: z.string().optional(),
});
export type ImageJobInput = z.infer<typeof ImageJobInput>;

export const VideoJobInput = z.object({
  prompt: z.string(),
  /** The caller's own image, its first frame (image-to-video); its storage key read when the job runs. */
  image: z.object({ id: z.string(), key: z.string() }).optional(),
  seconds: z.union(VIDEO_SECONDS.map((s) => z.literal(s)) as [z.ZodLiteral<4>, z.ZodLiteral<8>, z.ZodLiteral<12>]),
  size: z.enum(VIDEO_SIZES),
  seed: z.number().int().nonnegative(),
  regeneratedFrom: z.string().optional(),
});
export type VideoJobInput = z.infer<typeof VideoJobInput>;
