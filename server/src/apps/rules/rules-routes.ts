import { createRoute, z, type Hook } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import { notFound } from '../../core/errors/app-error';
import { newRouter, type AppEnv } from '../../http/app-env';
import { envelope } from '../../http/errors';
import { clientAddress } from '../../http/middleware/client-address';
import { requireUser } from '../../http/middleware/auth';
import { validationHook } from '../../http/middleware/validation';
import { findTextFault } from '../../core/text/text-rule';
import type { Platform } from '../../http/platform';
import { bearerSecurity } from '../../http/schemas';
import { appLimits } from '../../services/identity/plan-limits';
import { createAnonymousUser, getUser } from '../../services/identity/users';
import { RULES_APP } from './rules-app-name';
import { PRESETS } from './rules-presets';
import { AnonData, CallbackAck, CreateJobBody, CreatedJobData, Envelope, ErrorEnvelope, JobData, MeData, PresetData, RuleBody, RuleData, RulePatch } from './rules-schemas';
import { cancelBatch, confirmBatchUpload, createBatch, executeBatch, getBatch } from './rules-jobs-service';
import { acceptCallback, acceptRunpodWebhook, isSigned } from './rules-callback';
import { countRules, deleteRule, listRules, saveRule, updateRule } from './rules-service';

const TAG = ['rules (S3)'];
const fail = (description: string) => ({ description, content: { 'application/json': { schema: ErrorEnvelope } } });
const ok = <T extends z.ZodTypeAny>(description: string, schema: T, name: string) => ({ description, content: { 'application/json': { schema: Envelope(schema, name) } } });

type Enveloped<T> = { success: true; data: T; error: null; meta: { request_id: string; timestamp: string } };
/** The answer in seed 003's envelope, with the request's id: 200, or 201 for what was created. */
const answer = <T>(c: Context<AppEnv>, data: T) => c.json(envelope(data, null, c.get('requestId')) as Enveloped<T>, 200);
const created = <T>(c: Context<AppEnv>, data: T) => c.json(envelope(data, null, c.get('requestId')) as Enveloped<T>, 201);

const anon = createRoute({
  method: 'post', path: '/s3/auth/anon', operationId: 's3SignUpAnonymously', tags: TAG, security: [],
  summary: 'An anonymous user and its HS256 JWT (the same users as the rest of the platform)',
  responses: { 201: ok('Created', AnonData, 'S3Anon'), 429: fail('CONCURRENCY_LIMIT: too many sign-ups from this address (Retry-After)') },
});

const me = createRoute({
  method: 'get', path: '/s3/me', operationId: 's3GetMe', tags: TAG, security: bearerSecurity,
  summary: 'Credits, plan, rule slots used and allowed, running jobs',
  responses: { 200: ok('The user', MeData, 'S3Me'), 401: fail('AUTH_REQUIRED or AUTH_INVALID') },
});

const presets = createRoute({
  method: 'get', path: '/s3/presets', operationId: 's3ListPresets', tags: TAG, security: bearerSecurity,
  summary: 'The domain presets, each a rule template',
  responses: { 200: ok('The presets', z.array(PresetData), 'S3Presets'), 401: fail('AUTH_REQUIRED or AUTH_INVALID') },
});

const preset = createRoute({
  method: 'get', path: '/s3/presets/{id}', operationId: 's3GetPreset', tags: TAG, security: bearerSecurity,
  summary: 'One preset',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: ok('The preset', PresetData, 'S3Preset'), 401: fail('AUTH_REQUIRED or AUTH_INVALID'), 404: fail('NOT_FOUND') },
});

const json = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const RuleId = z.object({ id: z.string().min(1).max(100) });
const authFail = fail('AUTH_REQUIRED or AUTH_INVALID');

const createRule = createRoute({
  method: 'post', path: '/s3/rules', operationId: 's3CreateRule', tags: TAG, security: bearerSecurity,
  summary: 'Save a rule: a name and its ordered operations',
  request: { body: json(RuleBody) },
  responses: { 201: ok('Saved', RuleData, 'S3Rule'), 400: fail('INVALID_REQUEST: the message names the field'), 401: authFail, 403: fail('RULE_SLOT_FULL: the plan\'s rule slots are all used (free 2, pro 20)') },
});

const listRulesRoute = createRoute({
  method: 'get', path: '/s3/rules', operationId: 's3ListRules', tags: TAG, security: bearerSecurity,
  summary: 'My rules, oldest first',
  responses: { 200: ok('My rules', z.array(RuleData), 'S3Rules'), 401: authFail },
});

const putRule = createRoute({
  method: 'put', path: '/s3/rules/{id}', operationId: 's3UpdateRule', tags: TAG, security: bearerSecurity,
  summary: 'Change a rule\'s name, operations or both',
  request: { params: RuleId, body: json(RulePatch) },
  responses: { 200: ok('Changed', RuleData, 'S3RuleChanged'), 400: fail('INVALID_REQUEST'), 401: authFail, 404: fail('NOT_FOUND: no such rule of yours') },
});

const deleteRuleRoute = createRoute({
  method: 'delete', path: '/s3/rules/{id}', operationId: 's3DeleteRule', tags: TAG, security: bearerSecurity,
  summary: 'Delete a rule; its slot is free again',
  request: { params: RuleId },
  responses: { 200: ok('Deleted', z.object({ id: z.string(), deleted: z.literal(true) }), 'S3RuleDeleted'), 401: authFail, 404: fail('NOT_FOUND: no such rule of yours') },
});

const JobId = z.object({ id: z.string().min(1).max(100) });
const jobNotFound = fail('JOB_NOT_FOUND: no such job of yours');
/** A job id that cannot exist (over 100 characters, a NUL) is a job not found, in the seed's code, as any unknown id is. */
const jobIdHook = ((result, c) => {
  if (result.target === 'param' && (!result.success || findTextFault(result.data))) throw notFound('JOB_NOT_FOUND', 'No such job of yours');
  return validationHook(result, c);
}) satisfies Hook<unknown, Env, string, unknown> as never;

const createJob = createRoute({
  method: 'post', path: '/s3/jobs', operationId: 's3CreateJob', tags: TAG, security: bearerSecurity,
  summary: 'A batch job for a rule or a preset, with one presigned PUT per photo (nothing charged yet)',
  request: { body: json(CreateJobBody) },
  responses: {
    201: ok('Created: PUT each photo to its URL, then confirm-upload', CreatedJobData, 'S3JobCreated'),
    400: fail('INVALID_REQUEST: the message names the field; more images than the plan allows (free 10, pro 200)'), 401: authFail,
    404: fail('NOT_FOUND: no such rule of yours or preset'),
  },
});

const confirmUpload = createRoute({
  method: 'post', path: '/s3/jobs/{id}/confirm-upload', operationId: 's3ConfirmUpload', tags: TAG, security: bearerSecurity,
  summary: 'Check every photo (there, a real JPEG/PNG/WebP, within size): the job becomes uploaded',
  request: { params: JobId },
  responses: {
    200: ok('Uploaded', JobData, 'S3JobUploaded'), 400: fail('INVALID_REQUEST: error.missing and error.invalid name the photos by index; error.uploads has fresh upload URLs for them'),
    401: authFail, 404: jobNotFound, 409: fail('JOB_WRONG_STATE: the job is past its uploads'),
  },
});

const execute = createRoute({
  method: 'post', path: '/s3/jobs/{id}/execute', operationId: 's3ExecuteJob', tags: TAG, security: bearerSecurity,
  summary: 'Charge 1 credit per photo and send the photos to the GPU workers',
  request: { params: JobId },
  responses: {
    200: ok('Queued', JobData, 'S3JobQueued'), 401: authFail, 402: fail('INSUFFICIENT_CREDITS: details.needed and details.balance'),
    404: jobNotFound, 409: fail('JOB_WRONG_STATE: only an uploaded job can be executed'),
    429: fail('CONCURRENCY_LIMIT: the plan\'s running jobs are all in use (free 1, pro 3); Retry-After'),
  },
});

const getJobRoute = createRoute({
  method: 'get', path: '/s3/jobs/{id}', operationId: 's3GetJob', tags: TAG, security: bearerSecurity,
  summary: 'Status, progress {done, failed, total}, and each photo\'s status and result URL',
  request: { params: JobId },
  responses: { 200: ok('The job', JobData, 'S3JobStatus'), 401: authFail, 404: jobNotFound },
});

const callback = createRoute({
  method: 'post', path: '/s3/jobs/{id}/callback', operationId: 's3GpuCallback', tags: TAG, security: [],
  summary: 'Internal: a GPU worker\'s report on one photo, signed as Standard Webhooks with the job\'s secret',
  description: 'Body `{item, status: "done", output: {key, mime, size, width, height, sha256}}` or `{item, status: "failed", error: {code, message}}`, '
    + 'signed over the raw body (webhook-id, webhook-timestamp within 5 minutes, webhook-signature v1). Each photo is settled once; a failed one is refunded. '
    + 'Runpod\'s unsigned webhook `{id, status, output}` is also taken here: the signed report in its `output.callback` is checked like a callback.',
  request: { params: JobId },
  responses: {
    200: ok('Taken (or Runpod\'s webhook acknowledged)', CallbackAck, 'S3CallbackTaken'), 400: fail('INVALID_REQUEST'), 401: fail('AUTH_REQUIRED (unsigned) or AUTH_INVALID (bad signature, stale or future timestamp)'),
    404: jobNotFound, 409: fail('JOB_WRONG_STATE: a replayed delivery, a photo already settled, or a job that has ended'),
  },
});

const cancel = createRoute({
  method: 'post', path: '/s3/jobs/{id}/cancel', operationId: 's3CancelJob', tags: TAG, security: bearerSecurity,
  summary: 'Cancel: photos not done are cancelled and refunded (again: the same answer)',
  request: { params: JobId },
  responses: { 200: ok('Cancelled', JobData, 'S3JobCancelled'), 401: authFail, 404: jobNotFound, 409: fail('JOB_WRONG_STATE: the job has completed or failed') },
});

/** Seed 003 ("S3 API Contracts"): its 14 endpoints under `/s3`, every answer in its envelope. */
export function rulesRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  const auth = requireUser(platform, 'POST /s3/auth/anon');
  for (const path of ['/s3/me', '/s3/presets', '/s3/presets/*', '/s3/rules', '/s3/rules/*', '/s3/jobs']) r.use(path, auth);
  // The GPU worker's callback carries no user token: its signature, with the job's secret, is its authority.
  r.use('/s3/jobs/*', (c, next) => (c.req.method === 'POST' && /^\/s3\/jobs\/[^/]+\/callback$/.test(c.req.path) ? next() : auth(c, next)));

  r.openapi(anon, async (c) => {
    const user = await createAnonymousUser(deps, clientAddress(c, platform.trustProxy));
    const token = await platform.tokens.issue(user.id);
    return created(c, { token, user_id: user.id, plan: user.plan, credits: user.credits });
  });

  r.openapi(me, async (c) => {
    const user = await getUser(deps, c.get('actor').userId);
    const limits = appLimits(deps.settings, user.plan, RULES_APP);
    const [running, waiting] = await deps.store.read((repos) => Promise.all([
      repos.jobs.countActive({ userId: user.id, app: RULES_APP }), repos.jobs.countDrafts({ userId: user.id, app: RULES_APP }),
    ]));
    return answer(c, {
      user_id: user.id, plan: user.plan, credits: user.credits,
      rule_slots: { used: await countRules(deps, user.id), limit: limits.ruleSlots! },
      running_jobs: { count: running, limit: limits.runningJobs },
      waiting_jobs: { count: waiting, limit: limits.waitingJobs! },
      max_images_per_job: limits.imagesPerJob!,
    });
  });

  r.openapi(presets, (c) => answer(c, [...PRESETS]));

  r.openapi(preset, (c) => {
    const found = PRESETS.find((p) => p.id === c.req.valid('param').id);
    if (!found) throw notFound('NOT_FOUND', `No preset ${c.req.valid('param').id}; GET /s3/presets lists them`);
    return answer(c, found);
  });

  r.openapi(createRule, async (c) => created(c, await saveRule(deps, c.get('actor'), c.req.valid('json'))));
  r.openapi(listRulesRoute, async (c) => answer(c, await listRules(deps, c.get('actor').userId)));
  r.openapi(putRule, async (c) => answer(c, await updateRule(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json'))));
  r.openapi(deleteRuleRoute, async (c) => {
    const { id } = c.req.valid('param');
    await deleteRule(deps, c.get('actor'), id);
    return answer(c, { id, deleted: true as const });
  });

  r.openapi(createJob, async (c) => created(c, await createBatch(deps, c.get('actor'), c.req.valid('json'))));
  r.openapi(confirmUpload, async (c) => answer(c, await confirmBatchUpload(deps, c.get('actor'), c.req.valid('param').id)), jobIdHook);
  r.openapi(execute, async (c) => answer(c, await executeBatch(deps, c.get('actor'), c.req.valid('param').id)), jobIdHook);
  r.openapi(getJobRoute, async (c) => answer(c, await getBatch(deps, c.get('actor'), c.req.valid('param').id)), jobIdHook);
  r.openapi(cancel, async (c) => answer(c, await cancelBatch(deps, c.get('actor'), c.req.valid('param').id)), jobIdHook);
  r.openapi(callback, async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const { id } = c.req.valid('param');
    if (!isSigned(c.req.raw.headers)) {
      const hook = await acceptRunpodWebhook(deps, id, raw);
      if (hook) return answer(c, hook);
    }
    return answer(c, await acceptCallback(deps, id, c.req.raw.headers, raw));
  });
  return r;
}
