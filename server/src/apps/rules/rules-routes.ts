import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { notFound } from '../../core/errors/app-error';
import { newRouter, type AppEnv } from '../../http/app-env';
import { envelope } from '../../http/errors';
import { clientAddress } from '../../http/middleware/client-address';
import { requireUser } from '../../http/middleware/auth';
import type { Platform } from '../../http/platform';
import { bearerSecurity } from '../../http/schemas';
import { appLimits } from '../../services/identity/plan-limits';
import { createAnonymousUser, getUser } from '../../services/identity/users';
import { RULES_APP } from './rules-app-name';
import { PRESETS } from './rules-presets';
import { AnonData, Envelope, ErrorEnvelope, MeData, PresetData, RuleBody, RuleData, RulePatch } from './rules-schemas';
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

/** Seed 003 ("S3 API Contracts"): its 14 endpoints under `/s3`, every answer in its envelope. */
export function rulesRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  const auth = requireUser(platform);
  for (const path of ['/s3/me', '/s3/presets', '/s3/presets/*', '/s3/rules', '/s3/rules/*', '/s3/jobs', '/s3/jobs/*']) r.use(path, auth);

  r.openapi(anon, async (c) => {
    const user = await createAnonymousUser(deps, clientAddress(c, platform.trustProxy));
    const token = await platform.tokens.issue(user.id);
    return created(c, { token, user_id: user.id, plan: user.plan, credits: user.credits });
  });

  r.openapi(me, async (c) => {
    const user = await getUser(deps, c.get('actor').userId);
    const limits = appLimits(deps.settings, user.plan, RULES_APP);
    const running = await deps.store.read((repos) => repos.jobs.countActive({ userId: user.id, app: RULES_APP }));
    return answer(c, {
      user_id: user.id, plan: user.plan, credits: user.credits,
      rule_slots: { used: await countRules(deps, user.id), limit: limits.ruleSlots! },
      running_jobs: { count: running, limit: limits.runningJobs },
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
  return r;
}
