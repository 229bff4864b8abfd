import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canTransition, hopsOf, INITIAL_STATUSES, JOB_STATUSES, type JobStatus } from '../../core/jobs/job-status';
import type { Job, JobStep, Repos } from '../../core/ports/store';
import { TestClock } from '../../testing/test-clock';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { HOT_TRANSITIONS } from './hot-queries';

/**
 * Issue 8 §2: no status changes except through the transition table (core/jobs/job-status.ts).
 * Every hot statement is run from every status a job can be in, on the real database of the mode
 * (PGlite, or PostgreSQL when DATABASE_URL and REDIS_URL are set): it must change the status only
 * as it declares, along edges of the table, and be refused from every other status.
 */
const clock = new TestClock();
let t: TestPlatform;
let userId: string;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false, clock });
  ({ userId } = await t.signUp());
});
afterAll(async () => t?.dispose());

const OWNER = 'w-owner';
let serial = 0;

/** The shortest way through the table from a status a job is created in to `target`. */
function pathTo(target: JobStatus): JobStatus[] {
  const queue: JobStatus[][] = INITIAL_STATUSES.map((s) => [s]);
  for (let p = queue.shift(); p; p = queue.shift()) {
    const last = p[p.length - 1]!;
    if (last === target) return p;
    for (const next of JOB_STATUSES) if (canTransition(last, next) && !p.includes(next)) queue.push([...p, next]);
  }
  throw new Error(`No status reaches ${target}`);
}

/**
 * A job in `status`, brought there through the table's own edges. Every one is leased to OWNER
 * with a lease already expired, whatever its status: only the status guard can refuse a statement.
 */
async function jobIn(status: JobStatus): Promise<Job> {
  const [first, ...rest] = pathTo(status);
  const id = `job_walk_${serial++}`;
  return t.deps.store.tx(async (r) => {
    let job = await r.jobs.insert({ id, userId, app: 'test', pipeline: 'p', status: first as 'draft' | 'queued', run: 1, input: {}, entityKey: null });
    const expired = new Date(clock.now().getTime() - 1000);
    for (const to of rest) {
      job = (await r.jobs.transition(id, { from: job.status, to }, { leaseOwner: OWNER, leaseUntil: expired }, clock.now()))!;
    }
    if (job.leaseOwner !== OWNER) job = (await r.jobs.update(id, { leaseOwner: OWNER, leaseUntil: expired }))!;
    expect(job.status).toBe(status);
    return job;
  });
}

const doneStep = (jobId: string, name: string): JobStep => ({
  jobId, name, status: 'done', attempts: 1, output: { n: 1 }, error: null, startedAt: clock.now(), finishedAt: clock.now(),
});
const lease = () => new Date(clock.now().getTime() + 60_000);

/** How the walk runs each hot statement on a job; true when the statement wrote. */
const RUN: Record<keyof typeof HOT_TRANSITIONS, (r: Repos, job: Job) => Promise<boolean>> = {
  claim: async (r, job) => (await r.jobs.claim(job.id, job.run, 'w-new', lease(), clock.now())) !== null,
  finishStep: async (r, job) =>
    (await r.jobs.finishStep({ step: doneStep(job.id, 'a'), workerId: OWNER, progress: 0.5, trace: { at: clock.now().toISOString(), message: 'done' } })) !== null,
  finishAndComplete: async (r, job) =>
    (await r.jobs.finishStep({
      step: doneStep(job.id, 'a'), workerId: OWNER, progress: 1, trace: { at: clock.now().toISOString(), message: 'done' },
      complete: { result: { ok: true }, at: clock.now() },
    })) !== null,
  claimAhead: async (r, job) =>
    (await r.jobs.claimAhead({
      jobId: job.id, run: job.run, workerId: 'w-new', leaseUntil: lease(), now: clock.now(),
      steps: [doneStep(job.id, 'a')], trace: [], progress: 0.5,
    })) !== null,
  claimAheadComplete: async (r, job) =>
    (await r.jobs.claimAhead({
      jobId: job.id, run: job.run, workerId: 'w-new', leaseUntil: lease(), now: clock.now(),
      steps: [doneStep(job.id, 'a')], trace: [], progress: 1, complete: { result: { ok: true } },
    })) !== null,
  renewLease: (r, job) => r.jobs.renewLease(job.id, OWNER, lease(), clock.now()),
  writeOwned: async (r, job) => (await r.jobs.writeOwned({ jobId: job.id, workerId: OWNER, progress: 0.5 })) !== null,
  waitStep: (r, job) => r.jobs.waitStep({ jobId: job.id, workerId: OWNER, step: 'a', attempts: 1, at: clock.now(), wait: { reason: 'r', token: 't', deadline: clock.now().toISOString() } }),
};

const read = (id: string) => t.deps.store.read(async (r) => (await r.jobs.get(id))!);
const stepsOf = (id: string) => t.deps.store.read((r) => r.steps.list(id));

describe('the transition table is the only way a status changes (issue 8 §2)', () => {
  it('walks every hot statement from every status', async () => {
    expect(Object.keys(RUN).sort(), 'every hot statement is walked').toEqual(Object.keys(HOT_TRANSITIONS).sort());
    for (const [name, declared] of Object.entries(HOT_TRANSITIONS) as [keyof typeof HOT_TRANSITIONS, (typeof HOT_TRANSITIONS)[keyof typeof HOT_TRANSITIONS]][]) {
      for (const status of JOB_STATUSES) {
        const label = `${name} from ${status}`;
        const before = await jobIn(status);
        clock.advance(1000);
        const wrote = await t.deps.store.tx((r) => RUN[name](r, before));
        const after = await read(before.id);
        if (!declared.from.includes(status)) {
          // Refused: nothing of the job changed, nor were its steps written.
          expect(wrote, label).toBe(false);
          expect(after, label).toEqual(before);
          expect(await stepsOf(before.id), label).toEqual([]);
          continue;
        }
        expect(wrote, label).toBe(true);
        expect(after.status, label).toBe(declared.to);
        for (const [a, b] of hopsOf(declared, status)) expect(canTransition(a, b), `${label}: ${a} -> ${b}`).toBe(true);
        // The history names each status it passed through, at the clock's time.
        const appended = after.history.slice(before.history.length);
        if (status !== declared.to || declared.via.length > 0) {
          expect(appended.map((h) => h.status), label).toEqual([...declared.via, declared.to]);
          for (const h of appended) expect(h.at, label).toBe(clock.now().toISOString());
        }
        expect(after.updatedAt, label).toEqual(clock.now());
        expect(after.eventSeq, label).toBe(before.eventSeq + 1);
      }
    }
  });

  it('lets jobs.transition take exactly the edges of the table', async () => {
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        const label = `${from} -> ${to}`;
        const before = await jobIn(from);
        const moved = t.deps.store.tx((r) => r.jobs.transition(before.id, { from, to }, { progress: 0.25 }, clock.now()));
        if (canTransition(from, to)) {
          expect(await moved, label).toMatchObject({ status: to, progress: 0.25 });
        } else {
          await expect(moved, label).rejects.toThrow(/transition table has no/);
          expect(await read(before.id), label).toEqual(before);
        }
      }
    }
  });

  it('refuses a transition from a status the job has already left', async () => {
    const job = await jobIn('running');
    const moved = await t.deps.store.tx((r) => r.jobs.transition(job.id, { from: 'queued', to: 'running' }, {}, clock.now()));
    expect(moved).toBeNull();
    expect(await read(job.id)).toEqual(job);
  });

  it('never changes a status through a plain update, nor creates a job past its start', async () => {
    const job = await jobIn('running');
    // @ts-expect-error JobPatch has no status: a status changes only through a transition.
    await expect(t.deps.store.tx((r) => r.jobs.update(job.id, { status: 'completed', progress: 1 }))).rejects.toThrow(/only through a transition/);
    // @ts-expect-error the same, with a status guard.
    await expect(t.deps.store.tx((r) => r.jobs.update(job.id, { status: 'queued' }, ['running']))).rejects.toThrow(/only through a transition/);
    expect(await read(job.id)).toEqual(job);
    await expect(t.deps.store.tx((r) =>
      // @ts-expect-error a job is created as a draft or queued, never further along.
      r.jobs.insert({ id: 'job_walk_born_done', userId, app: 'test', pipeline: 'p', status: 'completed', input: {}, entityKey: null }),
    )).rejects.toThrow(/starts as/);
    expect(await t.deps.store.read((r) => r.jobs.get('job_walk_born_done'))).toBeNull();
  });

  it('writes no status by hand in the database adapter', () => {
    const dir = path.dirname(new URL(import.meta.url).pathname);
    for (const file of ['hot-queries.ts', 'repos.ts']) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      // A literal status in SQL (`status = 'running'`) or a query-builder set of jobs' status.
      expect(source, file).not.toMatch(/status\s*(=|<>|!=)\s*'/i);
      expect(source, file).not.toMatch(/\bstatus\s+in\s*\(/i);
    }
  });
});

describe('a running step\'s own writes (writeOwned)', () => {
  it('raise progress but never lower it, merge state at the top level, append to the trace; another worker writes nothing', async () => {
    const job = await t.deps.store.tx(async (r) => {
      const j = await r.jobs.insert({ id: `job_walk_${serial++}`, userId, app: 'test', pipeline: 'p', status: 'queued', run: 1, input: {}, entityKey: null, state: { a: 1, b: { x: 1 } } });
      return (await r.jobs.claim(j.id, 1, OWNER, lease(), clock.now()))!;
    });
    const write = (workerId: string, w: { progress?: number; state?: Record<string, number | Record<string, number>>; trace?: { at: string; message: string }[] }) =>
      t.deps.store.relaxed((r) => r.jobs.writeOwned({ jobId: job.id, workerId, ...w }));
    clock.advance(100);
    const first = await write(OWNER, { progress: 0.6, state: { b: { y: 2 } }, trace: [{ at: clock.now().toISOString(), message: 'one' }] });
    expect(first).toEqual({ id: job.id, status: 'running', progress: expect.closeTo(0.6, 5), eventSeq: job.eventSeq + 1, updatedAt: clock.now() });
    await write(OWNER, { progress: 0.3, trace: [{ at: clock.now().toISOString(), message: 'two' }] });
    const after = await read(job.id);
    expect(after.progress).toBeCloseTo(0.6, 5);
    expect(after.state).toEqual({ a: 1, b: { y: 2 } });
    expect(after.trace.map((e) => e.message)).toEqual(['one', 'two']);
    expect(await write('w-other', { progress: 0.9, state: { a: 2 } })).toBeNull();
    expect(await read(job.id)).toEqual(after);
  });
});

describe('lease renewal', () => {
  it('extends the lease of its owner only; another worker renewing changes nothing', async () => {
    const job = await t.deps.store.tx(async (r) => {
      const j = await r.jobs.insert({ id: `job_walk_${serial++}`, userId, app: 'test', pipeline: 'p', status: 'queued', run: 1, input: {}, entityKey: null });
      return (await r.jobs.claim(j.id, 1, OWNER, new Date(clock.now().getTime() + 1000), clock.now()))!;
    });
    clock.advance(500);
    const until = new Date(clock.now().getTime() + 1000);
    expect(await t.deps.store.relaxed((r) => r.jobs.renewLease(job.id, 'w-other', until, clock.now()))).toBe(false);
    expect(await read(job.id)).toEqual(job);
    expect(await t.deps.store.relaxed((r) => r.jobs.renewLease(job.id, OWNER, until, clock.now()))).toBe(true);
    expect(await read(job.id)).toMatchObject({ status: 'running', leaseOwner: OWNER, leaseUntil: until, updatedAt: clock.now() });
  });
});
