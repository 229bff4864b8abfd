import { z } from 'zod';
import { CLIP_GENRES, CLIP_MODES, CLIP_STAGES, DESIRED_ENDINGS, DISTANCE_MODES } from './clips-options';

const unit = z.number().min(0).max(1);

/**
 * A confirmed clips job's input, as confirmDraft writes it (clips-service.ts): the pipelines'
 * `input` schema, checked when a run starts. Keys it does not name (mime, sizes, the rewrite's
 * flags) stay in the job's row; steps see only these.
 */
export const ClipsInputSchema = z.object({
  mode: z.enum(CLIP_MODES),
  stage: z.enum(CLIP_STAGES),
  genre: z.enum(CLIP_GENRES),
  sliders: z.object({ realism: unit, intensity: unit, pace: unit }),
  rewrite: z.object({ sanitizedText: z.string(), distanceMode: z.enum(DISTANCE_MODES), desiredEnding: z.enum(DESIRED_ENDINGS) }).nullable(),
  /** sha256: of the bytes verified at draft time (absent on drafts made before it was recorded). */
  photos: z.array(z.object({ key: z.string().min(1), url: z.string(), sha256: z.string().optional() })).min(1).max(3),
});

export type ClipsInput = z.infer<typeof ClipsInputSchema>;
