import { z } from '@hono/zod-openapi';
import { RuleOperation, RuleOperations } from './rule-operations';

const Meta = z.object({ request_id: z.string(), timestamp: z.string() });
export const SeedError = z.object({ code: z.string(), message: z.string() }).passthrough();

/** Seed 003's envelope around `data` (its "Response Envelope"). */
export const Envelope = <T extends z.ZodTypeAny>(data: T, name: string) =>
  z.object({ success: z.literal(true), data, error: z.null(), meta: Meta }).openapi(name);

export const ErrorEnvelope = z.object({ success: z.literal(false), data: z.null(), error: SeedError, meta: Meta }).openapi('S3Error');

export const AnonData = z.object({ token: z.string(), user_id: z.string(), plan: z.enum(['free', 'pro']), credits: z.number().int() });

export const MeData = z.object({
  user_id: z.string(),
  plan: z.enum(['free', 'pro']),
  credits: z.number().int(),
  rule_slots: z.object({ used: z.number().int(), limit: z.number().int() }),
  running_jobs: z.object({ count: z.number().int(), limit: z.number().int() }),
  max_images_per_job: z.number().int(),
});

export const PresetData = z.object({
  id: z.string(), name: z.string(), name_en: z.string(), description: z.string(), operations: z.array(RuleOperation),
});

const RuleName = z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(80, 'name must be at most 80 characters');

export const RuleBody = z.object({ name: RuleName, operations: RuleOperations }).strict().openapi('S3RuleRequest');
export const RulePatch = z
  .object({ name: RuleName.optional(), operations: RuleOperations.optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.operations !== undefined, 'send name, operations or both')
  .openapi('S3RulePatch');

export const RuleData = z.object({
  id: z.string(), name: z.string(), operations: z.array(RuleOperation), created_at: z.string(), updated_at: z.string(),
});
