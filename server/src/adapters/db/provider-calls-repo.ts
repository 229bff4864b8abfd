import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { ProviderCall, ProviderCallStats, Repos } from '../../core/ports/store';
import { rowsOf } from './raw-rows';
import type { Db } from './repos';
import * as t from './schema';

/**
 * The record of provider calls (table provider_calls). Its statuses (submitted, succeeded, failed,
 * lost) are a call's, not a job's: kept apart from the job repositories, whose statuses only the
 * transition table may write (status-transitions.test.ts).
 */
export function providerCallsRepo(db: Db): Repos['providerCalls'] {
  return {
    async insert(call) {
      const rows = await db.insert(t.providerCalls).values(call).onConflictDoNothing({ target: t.providerCalls.predictionId }).returning({ id: t.providerCalls.id });
      return rows.length > 0;
    },
    async settle(predictionId, o) {
      // One statement, guarded on `submitted`: a webhook and a poll that both see it settled record it once.
      const rows = await db.update(t.providerCalls)
        .set({
          status: o.status, error: o.error, cost: o.cost, settledAt: o.at,
          latencyMs: sql`greatest(0, round(extract(epoch from (${o.at.toISOString()}::timestamptz - ${t.providerCalls.submittedAt})) * 1000))::int`,
        })
        .where(and(eq(t.providerCalls.predictionId, predictionId), eq(t.providerCalls.status, 'submitted')))
        .returning({ provider: t.providerCalls.provider, capability: t.providerCalls.capability, latencyMs: t.providerCalls.latencyMs });
      const row = rows[0];
      return row ? { provider: row.provider, capability: row.capability, latencyMs: row.latencyMs ?? 0 } : null;
    },
    async listForJob(jobId) {
      const rows = await db.select().from(t.providerCalls).where(eq(t.providerCalls.jobId, jobId)).orderBy(asc(t.providerCalls.submittedAt), asc(t.providerCalls.id));
      return rows as ProviderCall[];
    },
    async findByExternalId(provider, externalId) {
      const [row] = await db.select({ jobId: t.providerCalls.jobId, step: t.providerCalls.step }).from(t.providerCalls)
        .where(and(eq(t.providerCalls.provider, provider), eq(t.providerCalls.externalId, externalId)))
        .orderBy(desc(t.providerCalls.id)).limit(1);
      return row ?? null;
    },
    async stats(since, recent) {
      const from = since.toISOString();
      const totals = rowsOf(await db.execute(sql`
        select capability, provider, count(*)::int as calls,
          count(*) filter (where status in ('failed', 'lost'))::int as failures,
          count(*) filter (where status <> 'submitted')::int as settled,
          percentile_cont(0.5) within group (order by latency_ms) filter (where status <> 'submitted' and latency_ms is not null) as p50,
          percentile_cont(0.95) within group (order by latency_ms) filter (where status <> 'submitted' and latency_ms is not null) as p95,
          (array_agg(error order by coalesce(settled_at, submitted_at) desc, id desc) filter (where status = 'failed' and error is not null))[1] as last_error
        from ${t.providerCalls} where submitted_at >= ${from}::timestamptz
        group by capability, provider`));
      const latest = rowsOf(await db.execute(sql`
        select capability, provider, status, at from (
          select capability, provider, status, coalesce(settled_at, submitted_at) as at,
            row_number() over (partition by capability, provider order by coalesce(settled_at, submitted_at) desc, id desc) as n
          from ${t.providerCalls} where submitted_at >= ${from}::timestamptz and status in ('succeeded', 'failed')
        ) r where n <= ${recent} order by capability, provider, n`));
      return totals.map((r): ProviderCallStats => {
        const mine = latest.filter((l) => l.capability === r.capability && l.provider === r.provider);
        return {
          capability: String(r.capability), provider: String(r.provider),
          calls: Number(r.calls), failures: Number(r.failures), settled: Number(r.settled),
          p50Ms: r.p50 === null ? null : Math.round(Number(r.p50)), p95Ms: r.p95 === null ? null : Math.round(Number(r.p95)),
          lastError: (r.last_error as string | null) ?? null,
          recent: mine.map((l) => ({ status: l.status as 'succeeded' | 'failed', at: new Date(l.at as string | Date) })),
        };
      });
    },
  };
}
