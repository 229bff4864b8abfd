import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { adjustCredits } from '../../../services/credits/credits-service';
import { updateUser } from '../../../services/identity/users';
import { listJobs } from '../../../services/jobs/read-jobs';
import { retryJob } from '../../../services/jobs/retry-job';
import { CHARTED_STATUSES, jobStatusBuckets } from '../../../services/jobs/job-stats';
import { decodeCursor } from '../../../services/jobs/read-jobs';
import { invalid, notFound } from '../../../core/errors/app-error';
import { PROVIDER_CAPABILITIES } from '../../../core/ports/providers';
import { providerHealth } from '../../../services/providers/provider-health';
import { newRouter } from '../../app-env';
import { jobSummary } from '../../job-views';
import { requireAdmin } from '../../middleware/auth';
import type { Platform } from '../../platform';
import { bearerSecurity, errorResponses, ErrorSchema, JobStatusSchema, JobSummarySchema, UserSchema } from '../../schemas';
import { queryInt } from '../../query-params';

const grant = createRoute({
  method: 'post', path: '/v1/admin/credits', operationId: 'adminAdjustCredits', tags: ['admin'], security: bearerSecurity,
  summary: 'Grant (positive) or take back (negative) credits',
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            userId: z.string().min(1).max(100),
            amount: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'must not be 0'),
            reason: z.string().min(1).max(500),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'New balance', content: { 'application/json': { schema: z.object({ userId: z.string(), balance: z.number().int(), applied: z.boolean() }) } } },
    ...errorResponses,
  },
});

const jobs = createRoute({
  method: 'get', path: '/v1/admin/jobs', operationId: 'adminListJobs', tags: ['admin'], security: bearerSecurity,
  summary: 'Jobs of every user, newest first, with filters',
  request: {
    query: z.object({
      userId: z.string().max(100).optional(), app: z.string().max(40).optional(), status: JobStatusSchema.optional(),
      limit: queryInt(1, 200, 50), cursor: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: { description: 'Jobs of every user', content: { 'application/json': { schema: z.object({ jobs: z.array(JobSummarySchema.extend({ userId: z.string() })), nextCursor: z.string().nullable() }) } } },
    ...errorResponses,
  },
});

const queues = createRoute({
  method: 'get', path: '/v1/admin/queues', operationId: 'adminGetQueues', tags: ['admin'], security: bearerSecurity,
  summary: 'Queue counts and job counts per status',
  responses: {
    200: {
      description: 'Queue and job counts per state',
      content: { 'application/json': { schema: z.object({ queue: z.record(z.string(), z.number()), jobs: z.record(z.string(), z.number()) }) } },
    },
    ...errorResponses,
  },
});

/** At most this many buckets in one answer: a week of 5-minute buckets is already 2016. */
const MAX_BUCKETS = 2016;

const jobStats = createRoute({
  method: 'get', path: '/v1/admin/jobs/stats', operationId: 'adminJobStats', tags: ['admin'], security: bearerSecurity,
  summary: 'Jobs that changed status in a recent window, per time bucket and status',
  description:
    'Each bucket counts the jobs that entered each status in it (a job entering a status twice in one bucket counts once). ' +
    'Buckets are aligned to multiples of bucketMinutes; the last one holds now. windowMinutes must be a multiple of bucketMinutes.',
  request: {
    query: z.object({ windowMinutes: queryInt(1, 7 * 24 * 60, 60), bucketMinutes: queryInt(1, 24 * 60, 5) }),
  },
  responses: {
    200: {
      description: 'Buckets, oldest first',
      content: {
        'application/json': {
          schema: z.object({
            windowMinutes: z.number().int(),
            bucketMinutes: z.number().int(),
            buckets: z.array(z.object({
              start: z.string().openapi({ format: 'date-time' }),
              counts: z.object(Object.fromEntries(CHARTED_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof CHARTED_STATUSES)[number], z.ZodNumber>),
            })),
          }).openapi('AdminJobStats'),
        },
      },
    },
    ...errorResponses,
  },
});

const patchUser = createRoute({
  method: 'patch', path: '/v1/admin/users/{id}', operationId: 'adminUpdateUser', tags: ['admin'], security: bearerSecurity,
  summary: 'Change a user’s plan or role',
  request: {
    params: z.object({ id: z.string().min(1).max(100) }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ plan: z.enum(['free', 'pro']).optional(), role: z.enum(['user', 'admin']).optional() })
            .refine((b) => b.plan !== undefined || b.role !== undefined, 'give plan, role or both'),
        },
      },
    },
  },
  responses: { 200: { description: 'Updated user', content: { 'application/json': { schema: UserSchema } } }, ...errorResponses },
});

const ProviderHealthSchema = z.object({
  capability: z.enum(PROVIDER_CAPABILITIES),
  provider: z.string(),
  position: z.number().int().openapi({ description: 'Its place in the capability\'s routing list, from 0 (tried first)' }),
  model: z.string().nullable(),
  calls: z.number().int().openapi({ description: 'Calls submitted in the window' }),
  failures: z.number().int().openapi({ description: 'Of those, failed (a submit the next provider took included) or lost' }),
  errorRate: z.number().min(0).max(1).openapi({ description: 'failures / settled calls, 0 when none settled' }),
  p50Ms: z.number().nullable().openapi({ description: 'Median latency, submit to settle, ms' }),
  p95Ms: z.number().nullable(),
  circuit: z.enum(['closed', 'open', 'half_open']).openapi({
    description: 'Derived from the recorded calls (the breakers live in the workers): its latest outcomes all failures (5 by default) -> open for '
      + 'the cooldown (30 s) after the latest, then half_open until a call succeeds',
  }),
  lastError: z.string().nullable(),
}).openapi('ProviderHealth');

const providers = createRoute({
  method: 'get', path: '/v1/admin/providers', operationId: 'adminGetProviders', tags: ['admin'], security: bearerSecurity,
  summary: 'Configured providers in routing order, with the last hour\'s calls, error rate, latency and circuit',
  responses: {
    200: {
      description: 'Each capability\'s providers',
      content: { 'application/json': { schema: z.object({ windowMinutes: z.number().int(), providers: z.array(ProviderHealthSchema) }) } },
    },
    ...errorResponses,
  },
});

const ProviderCallSchema = z.object({
  id: z.number().int(),
  step: z.string().nullable(),
  key: z.string().nullable().openapi({ description: 'The step\'s name for the call' }),
  capability: z.string(),
  provider: z.string().openapi({ description: 'Who served it (or failed it, when the next provider took the call)' }),
  model: z.string().nullable(),
  predictionId: z.string().nullable(),
  externalId: z.string().nullable().openapi({ description: 'The provider\'s own id' }),
  status: z.enum(['submitted', 'succeeded', 'failed', 'lost']),
  error: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  cost: z.number().nullable().openapi({ description: 'The provider\'s cost figure, in its unit, where it reports one' }),
  submittedAt: z.string(),
  settledAt: z.string().nullable(),
}).openapi('ProviderCall');

const jobCalls = createRoute({
  method: 'get', path: '/v1/admin/jobs/{id}/calls', operationId: 'adminListJobProviderCalls', tags: ['admin'], security: bearerSecurity,
  summary: 'The provider calls of one job, in order: who served each, its status, latency and cost',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    200: { description: 'The job\'s calls', content: { 'application/json': { schema: z.object({ calls: z.array(ProviderCallSchema) }) } } },
    ...errorResponses,
  },
});

const retry = createRoute({
  method: 'post', path: '/v1/admin/jobs/{id}/retry', operationId: 'adminRetryJob', tags: ['admin'], security: bearerSecurity,
  summary: 'Run a failed job again from its unfinished steps, at no charge',
  description:
    'The job goes back to queued in a new run and runs only the steps that had not finished (failed steps, waits that timed out, '
    + 'and done steps whose outputs were deleted when it failed); its items not done are pending again. '
    + 'Retried at no charge: its charge was refunded when it failed and is not taken again; if it fails again nothing is refunded twice. '
    + '409 JOB_NOT_FAILED when the job is not failed.',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    200: { description: 'The job, queued again', content: { 'application/json': { schema: z.object({ job: JobSummarySchema.extend({ userId: z.string(), run: z.number().int() }) }) } } },
    409: { description: 'The job is not failed (JOB_NOT_FAILED)', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
});

/** Mounted only when ADMIN_API_KEY is set. */
export function adminRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  r.use('/v1/admin/*', requireAdmin(platform));
  r.openapi(grant, async (c) => {
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const out = await adjustCredits(deps, { ...body, idemKey: `admin:${key ?? randomUUID()}` });
    return c.json({ userId: body.userId, ...out }, 200);
  });
  r.openapi(jobs, async (c) => {
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (after === null) throw invalid('INVALID_CURSOR', 'cursor: not a cursor this API returned');
    const page = await listJobs(deps, { userId: q.userId, app: q.app, status: q.status, limit: q.limit, after });
    return c.json({ jobs: page.jobs.map((j) => ({ ...jobSummary(j), userId: j.userId })), nextCursor: page.nextCursor }, 200);
  });
  r.openapi(queues, async (c) => {
    const [queue, jobCounts] = await Promise.all([deps.queue.counts(), deps.store.read((s) => s.jobs.countByStatus())]);
    return c.json({ queue: { ...queue }, jobs: jobCounts }, 200);
  });
  r.openapi(jobStats, async (c) => {
    const { windowMinutes, bucketMinutes } = c.req.valid('query');
    if (windowMinutes % bucketMinutes !== 0) throw invalid('INVALID_WINDOW', `windowMinutes (${windowMinutes}) must be a multiple of bucketMinutes (${bucketMinutes})`);
    if (windowMinutes / bucketMinutes > MAX_BUCKETS) throw invalid('INVALID_WINDOW', `at most ${MAX_BUCKETS} buckets: give a larger bucketMinutes`);
    return c.json(await jobStatusBuckets(deps, { windowMinutes, bucketMinutes }), 200);
  });
  r.openapi(providers, async (c) => c.json(await providerHealth(deps, platform.providers), 200));
  r.openapi(jobCalls, async (c) => {
    const id = c.req.valid('param').id;
    const [job, calls] = await deps.store.read((s) => Promise.all([s.jobs.get(id), s.providerCalls.listForJob(id)]));
    if (!job) throw notFound('JOB_NOT_FOUND', 'Job not found');
    return c.json({
      calls: calls.map(({ jobId: _job, submittedAt, settledAt, ...call }) => ({
        ...call, submittedAt: submittedAt.toISOString(), settledAt: settledAt?.toISOString() ?? null,
      })),
    }, 200);
  });
  r.openapi(retry, async (c) => {
    const job = await retryJob(deps, c.req.valid('param').id);
    return c.json({ job: { ...jobSummary(job), userId: job.userId, run: job.run } }, 200);
  });
  r.openapi(patchUser, async (c) => {
    const u = await updateUser(deps, c.req.valid('param').id, c.req.valid('json'));
    platform.users.invalidate(u.id);
    return c.json({ id: u.id, plan: u.plan, role: u.role, credits: u.credits }, 200);
  });
  return r;
}
