import { z } from 'zod';
import { keysOf } from '../../core/enum-keys';
import { ENTITY_KINDS, MAX_BATCH, RATIOS, STYLES } from './gallery-options';

/**
 * A batch job's input (`POST /media/generate`), as the service admitted it: the entity, the
 * prompt as sent to the provider, and the perceptual hashes of the entity's images at submit, so
 * a near-duplicate of one of them is not kept twice.
 */
export const GalleryJobInput = z.object({
  entity: z.object({ kind: z.enum(ENTITY_KINDS), id: z.string() }),
  prompt: z.string(),
  negativePrompt: z.string().optional(),
  style: z.enum(keysOf(STYLES)),
  ratio: z.enum(keysOf(RATIOS)),
  seed: z.number().int(),
  variationStrength: z.number().min(0).max(1).optional(),
  count: z.number().int().min(1).max(MAX_BATCH),
  knownPhashes: z.array(z.string()),
});
export type GalleryJobInput = z.infer<typeof GalleryJobInput>;

/** What a finished image's item records: where it is and what the gallery keeps of it. */
export const ImageItemOutput = z.object({
  assetId: z.string(),
  phash: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  seed: z.number().int(),
  provider: z.string(),
});
export type ImageItemOutput = z.infer<typeof ImageItemOutput>;
