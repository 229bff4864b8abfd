import { z } from 'zod';
import { Concept, ScriptScene } from './mv-concepts';

/**
 * What the plan's steps record, the shapes GET /mv/jobs/{id} returns them in (seed 002 section 3
 * `artifacts`, and what this app adds: prohibitions, language, concepts with their QA, the blueprint).
 */
export const Evidence = z.object({
  keyword: z.string(),
  sources: z.array(z.object({ page_number: z.number().int(), start_offset: z.number().int(), end_offset: z.number().int(), text: z.string() })),
});
export const Artifacts = z.object({
  extracted_keywords: z.array(z.string()),
  key_points: z.array(z.string()),
  keyword_evidence: z.array(Evidence),
  prohibitions: z.array(z.string()),
  language: z.enum(['ko', 'en', 'mixed']),
});
export type Artifacts = z.infer<typeof Artifacts>;

export const QaReportSchema = z.object({
  concept_id: z.string(), passed: z.boolean(), coverage: z.number(),
  uncovered_key_points: z.array(z.string()), unsafe_scenes: z.array(z.object({ scene_id: z.string(), reason: z.string() })), timing_problems: z.array(z.string()),
});

/** The concept as locked at LOCK_BLUEPRINT_CORE: the chosen one with the person's edits, its lyrics timed. */
export const Blueprint = z.object({
  concept_id: z.string(), title: z.string(), logline: z.string(), lyrics: z.string(), mv_script: z.array(ScriptScene),
  lyric_timeline: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })),
  length_seconds: z.number(), edited: z.boolean(), qa: QaReportSchema,
});

export const ConceptWithQa = Concept.extend({ qa: QaReportSchema.nullable() });
