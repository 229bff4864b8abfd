import { createRoute, z } from '@hono/zod-openapi';
import { limitsFor } from '../../../services/identity/plan-limits';
import { createAnonymousUser, getUser } from '../../../services/identity/users';
import { newRouter } from '../../app-env';
import { clientAddress } from '../../middleware/client-address';
import { requireUser } from '../../middleware/auth';
import type { Platform } from '../../platform';
import { bearerSecurity, ErrorSchema, LimitsSchema, UserSchema, errorResponses } from '../../schemas';

const anon = createRoute({
  method: 'post',
  path: '/v1/auth/anon',
  operationId: 'signUpAnonymously',
  tags: ['identity'],
  // Public: this is where a token comes from.
  security: [],
  summary: 'Create an anonymous user and get a bearer token',
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: z.object({ token: z.string(), user: UserSchema }) } } },
    429: { description: 'Too many sign-ups from this address', content: { 'application/json': { schema: ErrorSchema } } },
  },
});

const me = createRoute({
  method: 'get',
  path: '/v1/me',
  operationId: 'getMe',
  tags: ['identity'],
  security: bearerSecurity,
  summary: 'The signed-in user: plan, role, credits and limits',
  responses: {
    200: { description: 'The signed-in user', content: { 'application/json': { schema: UserSchema.extend({ limits: LimitsSchema }) } } },
    401: errorResponses[401],
  },
});

export function authRoutes(platform: Platform) {
  const r = newRouter();
  r.openapi(anon, async (c) => {
    const user = await createAnonymousUser(platform.deps, clientAddress(c, platform.trustProxy));
    const token = await platform.tokens.issue(user.id);
    return c.json({ token, user: { id: user.id, plan: user.plan, role: user.role, credits: user.credits } }, 201);
  });
  r.use('/v1/me', requireUser(platform));
  r.openapi(me, async (c) => {
    const user = await getUser(platform.deps, c.get('user')!.id);
    return c.json({ id: user.id, plan: user.plan, role: user.role, credits: user.credits, limits: limitsFor(user.plan, platform.deps.settings) }, 200);
  });
  return r;
}
