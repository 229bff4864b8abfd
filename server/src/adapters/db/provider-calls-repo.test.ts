import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderCall } from '../../core/ports/store';
import { createTestDatabase } from '../../testing/test-database';
import { TestClock } from '../../testing/test-clock';
import { openPgliteStore } from './pglite-store';
import { openPostgresStore } from './postgres-store';
import type { MigratableStore } from './schema-status';

/**
 * The provider_calls repository on both databases. A webhook and a poll may see one prediction
 * settled at the same moment in two processes: on PostgreSQL (PGlite runs one statement at a time
 * and would hide the race) exactly one of them settles it.
 */

const pgUrl = process.env.DATABASE_URL;
const clock = new TestClock();
const stores: { name: string; store: MigratableStore; drop?: () => Promise<void> }[] = [];

beforeAll(async () => {
  const lite = await openPgliteStore(undefined, clock);
  await lite.migrate();
  stores.push({ name: 'pglite', store: lite });
  if (pgUrl) {
    const db = await createTestDatabase(pgUrl);
    const pg = await openPostgresStore(db.url, { clock, poolSize: 12 });
    await pg.migrate();
    stores.push({ name: 'postgres', store: pg, drop: db.drop });
  }
}, 120_000);
afterAll(async () => {
  for (const s of stores) {
    await s.store.close();
    await s.drop?.();
  }
});

const call = (over: Partial<ProviderCall>): Omit<ProviderCall, 'id'> => ({
  jobId: 'job_1', step: 'make', key: 'clip', capability: 'video', provider: 'replicate', model: 'm', predictionId: null, externalId: null,
  status: 'submitted', error: null, latencyMs: null, cost: null, submittedAt: clock.now(), settledAt: null, ...over,
});

describe.each(['pglite', 'postgres'])('provider_calls on %s', (name) => {
  const store = () => stores.find((s) => s.name === name)!.store;
  const skip = name === 'postgres' && !pgUrl;

  it.skipIf(skip)('records a prediction once, settles it once with its latency, finds it by the provider\'s id', async () => {
    const id = `replicate:${name}-a|v1`;
    const at = clock.now();
    expect(await store().read((r) => r.providerCalls.insert(call({ predictionId: id, externalId: `${name}-a`, submittedAt: at })))).toBe(true);
    expect(await store().read((r) => r.providerCalls.insert(call({ predictionId: id, externalId: `${name}-a`, submittedAt: at })))).toBe(false);
    const settledAt = new Date(at.getTime() + 2_345);
    expect(await store().read((r) => r.providerCalls.settle(id, { status: 'succeeded', error: null, cost: 0.05, at: settledAt }))).toMatchObject({ latencyMs: 2_345 });
    expect(await store().read((r) => r.providerCalls.settle(id, { status: 'failed', error: 'late', cost: null, at: new Date(at.getTime() + 9_000) }))).toBeNull();
    const [row] = (await store().read((r) => r.providerCalls.listForJob('job_1'))).filter((c) => c.predictionId === id);
    expect(row).toMatchObject({ status: 'succeeded', latencyMs: 2_345, cost: 0.05, error: null, settledAt });
    expect(await store().read((r) => r.providerCalls.findByExternalId('replicate', `${name}-a`))).toEqual({ jobId: 'job_1', step: 'make' });
    expect(await store().read((r) => r.providerCalls.findByExternalId('replicate', 'nobody'))).toBeNull();
  });

  it.skipIf(skip)('sums up a window per capability and provider: calls, failures, percentiles, the latest error and outcomes', async () => {
    const start = new Date(clock.now().getTime() + 3_600_000);
    const at = (ms: number) => new Date(start.getTime() + ms);
    await store().read(async (r) => {
      // An hour-old call, outside the window.
      await r.providerCalls.insert(call({ capability: 'image', provider: 'fal', status: 'failed', error: 'old', latencyMs: 1, submittedAt: at(-1), settledAt: at(0) }));
      for (let i = 1; i <= 10; i++) {
        await r.providerCalls.insert(call({ capability: 'image', provider: 'fal', status: 'succeeded', latencyMs: i * 100, submittedAt: at(i * 1000), settledAt: at(i * 1000 + i * 100) }));
      }
      await r.providerCalls.insert(call({ capability: 'image', provider: 'fal', status: 'failed', error: 'fal: 500 first', latencyMs: 5, submittedAt: at(20_000), settledAt: at(20_005) }));
      await r.providerCalls.insert(call({ capability: 'image', provider: 'fal', status: 'failed', error: 'fal: 429 latest', latencyMs: 5, submittedAt: at(21_000), settledAt: at(21_005) }));
      await r.providerCalls.insert(call({ capability: 'image', provider: 'fal', predictionId: `fal:${name}-pending`, submittedAt: at(22_000) }));
      await r.providerCalls.insert(call({ capability: 'moderation', provider: 'fal', status: 'succeeded', latencyMs: 3, submittedAt: at(1), settledAt: at(4) }));
    });
    const stats = await store().read((r) => r.providerCalls.stats(start, 3));
    const fal = stats.find((s) => s.capability === 'image' && s.provider === 'fal')!;
    expect(fal).toMatchObject({ calls: 13, failures: 2, settled: 12, lastError: 'fal: 429 latest' });
    // Latencies 5, 5, 100, 200 .. 1000: the median of the twelve is between 400 and 500.
    expect(fal.p50Ms).toBe(450);
    expect(fal.p95Ms).toBeGreaterThanOrEqual(900);
    expect(fal.recent.map((o) => o.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(fal.recent[0]!.at).toEqual(at(21_005));
    expect(stats.find((s) => s.capability === 'moderation')).toMatchObject({ calls: 1, failures: 0, p50Ms: 3 });
  });

  it.skipIf(name !== 'postgres' || !pgUrl)('a webhook and a poll settling the same call at once: exactly one settles it', async () => {
    for (let round = 0; round < 10; round++) {
      const id = `fal:race-${round}`;
      await store().read((r) => r.providerCalls.insert(call({ predictionId: id })));
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        store().read((r) => r.providerCalls.settle(id, { status: i % 2 ? 'succeeded' : 'failed', error: null, cost: null, at: new Date(clock.now().getTime() + i) })),
      ));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      // Two processes recording one submission (a replayed step): one row.
      const inserts = await Promise.all(Array.from({ length: 6 }, () => store().read((r) => r.providerCalls.insert(call({ predictionId: `${id}-dup` })))));
      expect(inserts.filter(Boolean)).toHaveLength(1);
    }
  });
});
