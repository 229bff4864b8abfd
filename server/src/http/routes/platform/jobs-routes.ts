import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { invalid } from '../../../core/errors/app-error';
import { isTerminal } from '../../../core/jobs/job-status';
import type { JobEvent } from '../../../core/ports/events';
import { cancelJob } from '../../../services/jobs/cancel-job';
import { jobChannel, jobEvent } from '../../../services/jobs/job-events';
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
  description: 'Opens with `retry:` and the job\'s current state, then sends each change as a `job` event whose `id` is the '
    + 'job\'s `seq` (increasing per job) and closes after the job ended. A reconnect naming the last id it saw (the '
    + '`Last-Event-ID` header, or `lastEventId` in the query) resumes after it: the current state if it changed since, then '
    + 'newer events only. Intermediate progress is not replayed. An ended job whose last state the client has seen answers 204.',
  request: {
    params: JobId,
    headers: z.object({ 'last-event-id': z.string().optional().openapi({ description: 'The `id` of the last event received; not a number = absent' }) }),
    query: z.object({ lastEventId: z.string().optional().openapi({ description: 'Same as `Last-Event-ID`, for clients that cannot set headers; the header wins' }) }),
  },
  responses: {
    200: { description: 'text/event-stream of `job` events, each `data:` a JobEvent and `id:` its `seq`', content: { 'text/event-stream': { schema: JobEventSchema } } },
    204: { description: 'The job ended and the client has seen its last state: nothing more will come (an EventSource stops reconnecting)' },
    ...errorResponses,
  },
});

/** How long a client waits before reconnecting after the stream dropped (the SSE `retry:` field). */
export const SSE_RETRY_MS = 2000;
// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE_MS = 15_000;

/** A `Last-Event-ID` as the seq it names; anything but a plain non-negative integer counts as absent. */
function lastSeq(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,15}\s*$/.test(value)) return undefined;
  return Number(value);
}

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
    const named = lastSeq(c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId);
    // An ended job has nothing after the state the client saw; 204 tells an EventSource to stop reconnecting.
    if (named !== undefined && isTerminal(job.status) && named >= job.eventSeq) return c.body(null, 204);
    // nginx and similar proxies buffer responses unless told not to; then no progress arrives until the end.
    c.header('X-Accel-Buffering', 'no');
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
        await stream.write(`retry: ${SSE_RETRY_MS}\n\n`);
        // The current state first, read after subscribing so no transition falls between the two.
        const current = await deps.store.read((r2) => r2.jobs.get(job.id));
        // The highest seq the client has. One it cannot have had (a job's seq never goes back) gets the current state.
        let seen = named !== undefined && current && named <= current.eventSeq ? named : 0;
        // Events come from several processes and may cross: send only what is newer than what the client has.
        const send = async (e: JobEvent) => {
          if (e.seq <= seen) return;
          seen = e.seq;
          await stream.writeSSE({ event: 'job', id: String(e.seq), data: JSON.stringify(e) });
        };
        if (current) await send(jobEvent(current));
        let ended = current ? isTerminal(current.status) : true;
        while (!ended && !closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, KEEP_ALIVE_MS).unref();
            });
            if (queue.length === 0 && !closed) await stream.write(': keep-alive\n\n');
            continue;
          }
          const e = queue.shift()!;
          await send(e);
          // A terminal event is the last state even when it came late and was not sent: ended states are final.
          ended = isTerminal(e.status);
        }
      } finally {
        await unsubscribe();
      }
    });
  });
  return r;
}
