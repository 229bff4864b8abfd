import { z } from '@hono/zod-openapi';
import { typeError } from '../../http/field-errors';
import { RuleOperation, RuleOperations } from './rule-operations';
import { MAX_IMAGE_BYTES, UPLOAD_MIMES } from './rules-batch';

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
  waiting_jobs: z.object({ count: z.number().int(), limit: z.number().int() }).openapi({ description: 'Jobs made and not yet executed (their photos stored, nothing charged): past the limit POST /s3/jobs answers CONCURRENCY_LIMIT' }),
  max_images_per_job: z.number().int(),
});

export const PresetData = z.object({
  id: z.string(), name: z.string(), name_en: z.string(), description: z.string(), operations: z.array(RuleOperation),
});

const RuleName = z.string({ error: typeError('name', 'a string') }).trim().min(1, 'name is required').max(80, 'name must be at most 80 characters');

export const RuleBody = z.object({ name: RuleName, operations: RuleOperations }).strict().openapi('S3RuleRequest');
export const RulePatch = z
  .object({ name: RuleName.optional(), operations: RuleOperations.optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.operations !== undefined, 'send name, operations or both')
  .openapi('S3RulePatch');

export const RuleData = z.object({
  id: z.string(), name: z.string(), operations: z.array(RuleOperation), created_at: z.string(), updated_at: z.string(),
});

const UploadMime = z.enum(UPLOAD_MIMES);
export const CreateJobBody = z
  .object({
    rule_id: z.string().min(1).max(100).optional().describe('One of your rules; or give preset_id'),
    preset_id: z.string().min(1).max(100).optional().describe('A preset (GET /s3/presets); or give rule_id'),
    image_count: z.number({ error: typeError('image_count', 'a number', 'how many photos (1 to your plan\'s images per job)') }).int('image_count must be a whole number').min(1, 'image_count must be at least 1').max(200, 'image_count must be at most 200'),
    mimes: z.array(UploadMime, { error: 'mimes must be a list of image/jpeg, image/png or image/webp' }).optional().describe('Content-Type of each photo, in order (default image/jpeg)'),
    sizes: z.array(z.number().int().min(1).max(MAX_IMAGE_BYTES, `each size must be at most ${MAX_IMAGE_BYTES} bytes`)).optional().describe('Bytes of each photo, in order: each URL then takes exactly that many'),
  })
  .strict()
  .refine((b) => b.rule_id !== undefined || b.preset_id !== undefined, 'give rule_id (one of your rules) or preset_id (a preset)')
  .refine((b) => b.rule_id === undefined || b.preset_id === undefined, 'give rule_id or preset_id, not both')
  .refine((b) => !b.mimes || b.mimes.length === b.image_count, 'mimes must have one entry per image (image_count)')
  .refine((b) => !b.sizes || b.sizes.length === b.image_count, 'sizes must have one entry per image (image_count)')
  .openapi('S3CreateJob');

const ItemData = z.object({
  index: z.number().int(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
  input_url: z.string().nullable().describe('Signed, expiring URL of the photo, once confirmed'),
  output_url: z.string().nullable().describe('Signed, expiring URL of the result, once done'),
  output: z.object({ mime: z.string(), size: z.number().int(), width: z.number().int().nullable(), height: z.number().int().nullable() }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const JobData = z.object({
  job_id: z.string(),
  status: z.enum(['created', 'uploaded', 'queued', 'processing', 'completed', 'failed', 'cancelled']),
  rule: z.object({ source: z.enum(['rule', 'preset']), id: z.string(), name: z.string() }),
  operations: z.array(RuleOperation),
  output_format: z.string(),
  progress: z.object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() }),
  items: z.array(ItemData),
  credits: z.object({ charged: z.number().int(), refunded: z.number().int() }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('S3Job');

export const CreatedJobData = z.object({
  job: JobData,
  uploads: z.array(z.object({
    index: z.number().int(), method: z.literal('PUT'), upload_url: z.string(),
    headers: z.record(z.string(), z.string()).describe('Send these headers with the PUT'), max_bytes: z.number().int(),
  })),
  expires_at: z.string().describe('When the upload URLs expire'),
});

export const CallbackAck = z.union([
  z.object({ item: z.number().int(), status: z.enum(['done', 'failed']), ended: z.number().int(), total: z.number().int() }),
  z.object({ runpod_job: z.string(), runpod_status: z.string(), taken: z.boolean(), item: z.number().int().optional() }).describe('Runpod\'s webhook'),
]);
