import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FatalStepError } from '../core/jobs/step-errors';
import type { JobEvent } from '../core/ports/events';
import { newJobId, submitJob } from '../services/jobs/submit-job';
import { TestClock } from '../testing/test-clock';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import type { PipelineDef } from './pipeline';

/**
 * Issue 8 §2: side effects hang off transitions. A job's status changes only through moveJob (or a
 * hot statement), and what follows a change (publish, enqueue, refund, quota release, purge) comes
 * from its tables in services/jobs/move-job.ts, never from a call site doing it by hand.
 */

const root = path.resolve(import.meta.dirname, '..');

/** The helpers that do a move's side effects (or the move itself); only move-job.ts may use them. */
const GUARDED: Record<string, string> = {
  publishJob: 'services/jobs/job-events',
  enqueueJob: 'services/jobs/enqueue',
  purgeUndelivered: 'services/jobs/withhold-undelivered',
  releaseQuotaUnlessDelivered: 'services/jobs/withhold-undelivered',
  refundUnfinished: 'services/credits/ledger',
  transition: 'services/jobs/transition',
};
const OWNER = 'services/jobs/move-job.ts';

/** Uses that are not a move's consequence, with how many calls each file makes and why. */
const EXCEPTIONS: Record<string, Record<string, { calls: number; why: string }>> = {
  'engine/runner.ts': { publishJob: { calls: 1, why: "a step's progress event: the job's status does not change" } },
  'apps/rules/rules-callback.ts': { publishJob: { calls: 1, why: "a photo's progress event: the job's status does not change" } },
  'engine/reconciler.ts': { enqueueJob: { calls: 2, why: 'a queued job enqueued again (stale, or after a restart): no move' } },
  'services/jobs/submit-job.ts': { enqueueJob: { calls: 1, why: 'a job inserted queued: no move, and nobody can listen to it yet' } },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The guarded names a file imports from their modules, and how often it calls each. */
function guardedUses(file: string): Map<string, number> {
  const text = readFileSync(file, 'utf8');
  const uses = new Map<string, number>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const from = path.relative(root, path.resolve(path.dirname(file), m[2]!));
    for (const spec of m[1]!.split(',')) {
      const name = spec.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!;
      if (GUARDED[name] !== from) continue;
      const local = spec.trim().split(/\s+as\s+/).pop()!;
      uses.set(name, [...text.matchAll(new RegExp(`(?<![\\w.])${local}\\(`, 'g'))].length);
    }
  }
  return uses;
}

describe('side effects hang off transitions', () => {
  it('no call site publishes, enqueues, refunds, releases a quota, purges or moves a job by hand', () => {
    const found: string[] = [];
    for (const file of sourceFiles(root)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (rel === OWNER) continue;
      for (const [name, calls] of guardedUses(file)) {
        const allowed = EXCEPTIONS[rel]?.[name];
        if (!allowed) found.push(`${rel} uses ${name}`);
        else if (calls !== allowed.calls) found.push(`${rel} calls ${name} ${calls} times; its exception allows ${allowed.calls} (${allowed.why})`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the check sees what it guards: move-job.ts uses every effect, and each exception is still used', () => {
    const owner = guardedUses(path.join(root, OWNER));
    expect([...owner.keys()].sort()).toEqual(['enqueueJob', 'publishJob', 'purgeUndelivered', 'refundUnfinished', 'releaseQuotaUnlessDelivered', 'transition']);
    for (const [rel, names] of Object.entries(EXCEPTIONS)) {
      const uses = guardedUses(path.join(root, rel));
      for (const name of Object.keys(names)) expect(uses.has(name), `${rel} still uses ${name}`).toBe(true);
    }
  });
});

const WAIT_MS = 600_000;
/** The object each job's step stored before its job failed, by job id. */
const stored = new Map<string, string>();

const pipelines: PipelineDef[] = [
  {
    // Stores an output, then waits for an event that never comes.
    id: 'fx.wait', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'review', weight: 1, output: z.json(),
      run: async (ctx) => {
        const asset = await ctx.saveAsset({ slot: 'draft', kind: 'image', body: Buffer.from('draft'), mime: 'image/png', ext: 'png' });
        stored.set(ctx.job.id, asset.storageKey);
        return { wait: { reason: 'human review', timeoutMs: WAIT_MS } };
      },
    }],
  },
  {
    // Stores an output, then fails for good.
    id: 'fx.fatal', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'make', weight: 1, output: z.json(),
      run: async (ctx) => {
        const asset = await ctx.saveAsset({ slot: 'out', kind: 'image', body: Buffer.from('out'), mime: 'image/png', ext: 'png' });
        stored.set(ctx.job.id, asset.storageKey);
        throw new FatalStepError('the provider refused the input', 'REFUSED');
      },
    }],
  },
];

const clock = new TestClock();
let t: TestPlatform;
let userId: string;
let published: JobEvent[] = [];

beforeAll(async () => {
  t = await createTestPlatform({
    clock,
    pipelines: (r) => pipelines.forEach((p) => r.register(p)),
    // Only the test's ticks.
    reconcileEveryMs: 3_600_000,
  });
  ({ userId } = await t.signUp());
  // Every event the engine hands the bus, as it hands it (the bus itself may deliver later, or twice per subscriber).
  const publish = t.deps.events.publish.bind(t.deps.events);
  vi.spyOn(t.deps.events, 'publish').mockImplementation((channel, event) => {
    published.push(event);
    return publish(channel, event);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(userId))!.credits);
const submit = (pipeline: string) => submitJob(t.deps, { userId, app: 'test', pipeline, input: {}, cost: 3, jobId: newJobId() });
const terminalEvents = (jobId: string) => published.filter((e) => e.jobId === jobId && ['completed', 'failed', 'cancelled'].includes(e.status));

/** What a failed job left: its refunds, its assets and the object its step stored. */
async function leftOf(jobId: string) {
  const { job, ledger, assets } = await t.deps.store.read(async (r) => ({
    job: (await r.jobs.get(jobId))!,
    ledger: await r.ledger.listForJob(jobId),
    assets: await r.assets.listForJob(jobId),
  }));
  return { job, refunds: ledger.filter((e) => e.kind === 'refund'), assets, object: await t.deps.storage.head(stored.get(jobId)!) };
}

describe('a failed job gets its effects once, whoever failed it', () => {
  it('a wait failed by the reconciler (WAIT_TIMEOUT) publishes one terminal event, refunds once and purges its outputs', async () => {
    const before = await balance();
    const job = await submit('fx.wait');
    await t.waitForJob(job.id, ['waiting']);
    expect(await t.deps.storage.head(stored.get(job.id)!), 'stored while it ran').not.toBeNull();
    clock.advance(WAIT_MS + 1);
    await t.reconciler.tick();
    // A second tick finds nothing more to do with it.
    await t.reconciler.tick();
    const left = await leftOf(job.id);
    expect(left.job.status).toBe('failed');
    expect(left.job.error).toMatchObject({ code: 'WAIT_TIMEOUT', step: 'review', refunded: 3 });
    expect(terminalEvents(job.id)).toEqual([expect.objectContaining({ status: 'failed', seq: left.job.eventSeq })]);
    expect(left.refunds.map((e) => e.amount)).toEqual([3]);
    expect(await balance()).toBe(before);
    expect(left.assets).toEqual([]);
    expect(left.object).toBeNull();
  });

  it('a job failed by its step publishes one terminal event, refunds once and purges its outputs', async () => {
    const before = await balance();
    const job = await submit('fx.fatal');
    await t.waitForJob(job.id, ['failed']);
    // The purge runs after the failure committed and after its event: wait for it on the store, not on time.
    for (let i = 0; i < 800 && (await leftOf(job.id)).assets.length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    const left = await leftOf(job.id);
    expect(left.job.error).toMatchObject({ code: 'REFUSED', step: 'make', refunded: 3 });
    expect(terminalEvents(job.id)).toEqual([expect.objectContaining({ status: 'failed', seq: left.job.eventSeq })]);
    expect(left.refunds.map((e) => e.amount)).toEqual([3]);
    expect(await balance()).toBe(before);
    expect(left.assets).toEqual([]);
    expect(left.object).toBeNull();
    // The reconciler finds nothing to redo: still one event, one refund.
    clock.advance(WAIT_MS + 1);
    await t.reconciler.tick();
    expect(terminalEvents(job.id)).toHaveLength(1);
    expect((await leftOf(job.id)).refunds).toHaveLength(1);
  });
});
