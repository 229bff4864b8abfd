import { z } from 'zod';
import { keysOf } from '../../core/enum-keys';
import { GENRES, HITL_MODES, LENGTHS, LLM_MODELS, STYLES } from './mv-options';

/**
 * What a plan job keeps: the request's fields (seed 002 section 1) and where its text is. A PDF's
 * pages are extracted once, at upload, and stored as JSON beside the job (`pagesKey`); typed
 * guidelines are page 0.
 */
export const PlanJobInput = z.object({
  guidelines: z.string(),
  length: z.enum(keysOf(LENGTHS)),
  selectedStyles: z.array(z.enum(keysOf(STYLES))).min(1),
  selectedGenres: z.enum(keysOf(GENRES)),
  additionalRequirements: z.string(),
  llm_model: z.enum(LLM_MODELS),
  llm_temperature: z.number().min(0).max(2),
  hitl_mode: z.enum(HITL_MODES),
  /** The uploaded PDF's extracted text, when there was one. */
  pdf: z.object({ pagesKey: z.string(), pages: z.number().int(), filename: z.string() }).optional(),
  seed: z.number().int().nonnegative(),
});
export type PlanJobInput = z.infer<typeof PlanJobInput>;

/** A scene of an MV script: seconds from the start of the video, and what is seen. */
export const Scene = z.object({ start: z.number(), end: z.number(), description: z.string() });
export type Scene = z.infer<typeof Scene>;
