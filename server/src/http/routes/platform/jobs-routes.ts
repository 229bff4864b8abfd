import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { invalid } from '../../../core/errors/app-error';
import { isTerminal } from '../../../core/jobs/job-status';
import type { JobEvent } from '../../../core/ports/events';
import { cancelJob } from '../../../services/jobs/cancel-job';
import { jobChannel } from '../../../services/jobs/job-events';
import type { CachedJobDetail } from '../../../services/jobs/job-detail-cache';
import { decodeCursor, getJob, getJobDetail, listJobs } from '../../../services/jobs/read-jobs';
import { newRouter } from '../../app-env';
import { jsonBody, renderedOnce } from '../../rendered-json';
import { jobDetailView, jobSummary } from '../../job-views';
import { requireUser } from '../../middleware/auth';
import type { Platform } from '../../platform';
import { bearerSecurity, errorResponses, ErrorSchema, JobDetailSchema, JobEventSchema, JobStatusSchema, JobSummarySchema } from '../../schemas';
import { queryInt } from '../../query-params';

const JobId = z.object({ id: z.string().min(1).max(100) });

const list = createRoute({
  method: 'get',
  path: '/v1/jobs',
  operationId: 'listJobs',
  tags: ['jobs'],
  security: bearerSecurity,
  summary: 'My jobs of every app, newest first',
  request: {
    query: z.object({
      app: z.string().max(40).optional(),
      status: JobStatusSchema.optional(),
      limit: queryInt(1, 100, 20),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: { description: 'A page of jobs', content: { 'application/json': { schema: z.object({ jobs: z.array(JobSummarySchema), nextCursor: z.string().nullable() }) } } },
    ...errorResponses,
  },
});

const get = createRoute({
  method: 'get', path: '/v1/jobs/{id}', operationId: 'getJob', tags: ['jobs'], security: bearerSecurity,
  summary: 'One job of any app: status, steps, items, trace, result and assets',
  request: { params: JobId },
  responses: { 200: { description: 'The job', content: { 'application/json': { schema: JobDetailSchema } } }, ...errorResponses },
});

const events = createRoute({
  method: 'get', path: '/v1/jobs/{id}/events', operationId: 'streamJobEvents', tags: ['jobs'], security: bearerSecurity,
  summary: 'Server-Sent Events of progress and status until the job ends',
  request: { params: JobId },
  responses: { 200: { description: 'text/event-stream of `job` events, each `data:` a JobEvent', content: { 'text/event-stream': { schema: JobEventSchema } } }, ...errorResponses },
});

const cancel = createRoute({
  method: 'post', path: '/v1/jobs/{id}/cancel', operationId: 'cancelJob', tags: ['jobs'], security: bearerSecurity,
  summary: 'Cancel a job that has not ended, refunding work not done',
  request: { params: JobId },
  responses: {
    200: { description: 'Cancelled', content: { 'application/json': { schema: z.object({ job: JobSummarySchema, refunded: z.number().int() }) } } },
    409: { description: 'Already ended', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
});

export function jobsRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  r.use('/v1/jobs', requireUser(platform));
  r.use('/v1/jobs/*', requireUser(platform));

  r.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (after === null) throw invalid('INVALID_CURSOR', 'cursor: not a cursor this API returned');
    const page = await listJobs(deps, { userId: c.get('actor').userId, app: q.app, status: q.status, limit: q.limit, after });
    return c.json({ jobs: page.jobs.map(jobSummary), nextCursor: page.nextCursor }, 200);
  });

  const render = renderedOnce((d: CachedJobDetail) => jobDetailView(d, d.urls));
  r.openapi(get, async (c) => {
    const detail = await getJobDetail(platform.jobDetails, c.get('actor'), c.req.valid('param').id);
    return jsonBody(c, render(detail));
  });

  r.openapi(cancel, async (c) => {
    const out = await cancelJob(deps, c.get('actor'), c.req.valid('param').id);
    return c.json({ job: jobSummary(out.job), refunded: out.refunded }, 200);
  });

  r.openapi(events, async (c) => {
    const job = await getJob(deps, c.get('actor'), c.req.valid('param').id);
    return streamSSE(c, async (stream) => {
      let closed = false;
      let wake: () => void = () => {};
      const queue: JobEvent[] = [];
      const unsubscribe = await deps.events.subscribe(jobChannel(job.id), (e) => {
        queue.push(e);
        wake();
      });
      stream.onAbort(() => {
        closed = true;
        wake();
      });
      try {
        // The current state first, read after subscribing so no transition falls between the two.
        const current = await deps.store.read((r2) => r2.jobs.get(job.id));
        let id = 0;
        const send = (e: JobEvent) => stream.writeSSE({ event: 'job', id: String(++id), data: JSON.stringify(e) });
        if (current) await send({ jobId: current.id, status: current.status, progress: current.progress, at: new Date().toISOString() });
        let ended = current ? isTerminal(current.status) : true;
        while (!ended && !closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              // A comment line every 15 s keeps proxies from closing an idle stream.
              setTimeout(resolve, 15_000).unref();
            });
            if (queue.length === 0 && !closed) await stream.write(': keep-alive\n\n');
            continue;
          }
          const e = queue.shift()!;
          await send(e);
          ended = isTerminal(e.status as never);
        }
      } finally {
        await unsubscribe();
      }
    });
  });
  return r;
}
