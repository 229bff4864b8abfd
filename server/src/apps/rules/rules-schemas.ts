import { z } from '@hono/zod-openapi';
import { RuleOperation } from './rule-operations';

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
