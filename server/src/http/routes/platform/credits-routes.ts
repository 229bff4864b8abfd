import { createRoute, z } from '@hono/zod-openapi';
import { listLedger } from '../../../services/credits/credits-service';
import { newRouter } from '../../app-env';
import { requireUser } from '../../middleware/auth';
import type { Platform } from '../../platform';
import { bearerSecurity, errorResponses } from '../../schemas';
import { queryInt } from '../../query-params';

export const LedgerEntrySchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['grant', 'charge', 'refund', 'adjust']),
    amount: z.number().int(),
    jobId: z.string().nullable(),
    itemIndex: z.number().int().nullable(),
    reason: z.string(),
    createdAt: z.string(),
  })
  .openapi('LedgerEntry');

const credits = createRoute({
  method: 'get', path: '/v1/credits', operationId: 'listCredits', tags: ['credits'], security: bearerSecurity,
  summary: 'Balance and ledger entries, newest first',
  request: { query: z.object({ limit: queryInt(1, 200, 50), before: queryInt(1, Number.MAX_SAFE_INTEGER) }) },
  responses: {
    200: { description: 'Balance and entries', content: { 'application/json': { schema: z.object({ balance: z.number().int(), entries: z.array(LedgerEntrySchema), nextBefore: z.number().int().nullable() }) } } },
    ...errorResponses,
  },
});

export function creditsRoutes(platform: Platform) {
  const r = newRouter();
  r.use('/v1/credits', requireUser(platform));
  r.openapi(credits, async (c) => {
    const q = c.req.valid('query');
    const { balance, entries } = await listLedger(platform.deps, c.get('actor').userId, q.limit, q.before);
    const last = entries[entries.length - 1];
    return c.json({
      balance,
      entries: entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, jobId: e.jobId, itemIndex: e.itemIndex, reason: e.reason, createdAt: e.createdAt.toISOString() })),
      nextBefore: entries.length === q.limit && last ? last.id : null,
    }, 200);
  });
  return r;
}
