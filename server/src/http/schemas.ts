import { z } from '@hono/zod-openapi';
import type { JobEvent } from '../core/ports/events';
import { JOB_STATUSES } from '../core/jobs/job-status';

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }).passthrough() })
  .openapi('Error');

export const FlatErrorSchema = z
  .object({ error: z.string(), code: z.string() })
  .passthrough()
  .openapi('FlatError');

/** The limits enforced on the user, per app (each app's module declares its own; services/identity/plan-limits.ts). */
export const LimitsSchema = z
  .record(
    z.string().openapi({ description: 'The app' }),
    z.record(z.string(), z.number().int()).openapi({
      description: 'Its limits: `runningJobs` (jobs queued, running or waiting at once; one more is refused with 429), '
        + '`uploadsPerHour` and `uploadBytesPerHour` (presigned uploads), and the app\'s own daily counts (clips: `quickPerDay`, in QUOTA_TZ)',
    }),
  )
  .openapi('Limits');

export const UserSchema = z
  .object({ id: z.string(), plan: z.enum(['free', 'pro']), role: z.enum(['user', 'admin']), credits: z.number().int() })
  .openapi('User');

export const JobStatusSchema = z.enum(JOB_STATUSES).openapi('JobStatus');

/** One `data:` line of a job's event stream; the console takes its type from here. */
export const JobEventSchema = z
  .object({
    jobId: z.string(),
    seq: z.number().int().openapi({ description: 'Increasing per job; the event\'s SSE `id`. A reconnect names it in `Last-Event-ID`.' }),
    status: JobStatusSchema,
    progress: z.number(),
    step: z.string().optional(),
    message: z.string().optional(),
    at: z.string(),
  })
  .openapi('JobEvent') satisfies z.ZodType<JobEvent>;

export const AssetSchema = z
  .object({
    id: z.string(),
    slot: z.string().nullable(),
    kind: z.string(),
    mime: z.string(),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    durationSec: z.number().nullable(),
    url: z.string(),
  })
  .openapi('Asset');

export const JobSummarySchema = z
  .object({
    id: z.string(),
    app: z.string(),
    pipeline: z.string().openapi({ description: "The kind of work within the app (studio's `studio.image`)" }),
    status: JobStatusSchema,
    progress: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('JobSummary');

export const JobDetailSchema = JobSummarySchema.extend({
  input: z.record(z.string(), z.unknown()),
  state: z.record(z.string(), z.unknown()),
  stateHistory: z.array(z.object({ status: JobStatusSchema, at: z.string(), note: z.string().optional() })),
  trace: z.array(z.object({ at: z.string(), step: z.string().optional(), message: z.string() })),
  steps: z.array(z.object({ name: z.string(), status: z.string(), attempts: z.number().int(), error: z.unknown().nullable() })),
  items: z.array(z.object({ idx: z.number().int(), status: z.string(), cost: z.number().int(), output: z.unknown().nullable(), error: z.unknown().nullable() })),
  wait: z.object({ step: z.string(), reason: z.string(), deadline: z.string().nullable() }).nullable(),
  result: z.unknown().nullable(),
  error: z.unknown().nullable(),
  assets: z.array(AssetSchema),
}).openapi('JobDetail');

export const bearerSecurity = [{ bearerAuth: [] }];
/** Anyone may call it; with a bearer token the answer includes what is the caller's (a private gallery). */
export const optionalBearerSecurity: Record<string, string[]>[] = [{}, { bearerAuth: [] }];

export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid token', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not yours', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
