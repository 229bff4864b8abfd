import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

const step = (jobId: string, name: string) => ({
  jobId, name, status: 'done' as const, attempts: 1, output: 1, error: null, startedAt: new Date(), finishedAt: new Date(),
});

// A job's SSE ids are this sequence: a write that publishes without raising it would be dropped by
// every live subscriber as a duplicate (jobs-routes.ts, events).
describe('jobs.event_seq (issue 7 §7)', () => {
  it('rises with every write of a job, whichever statement makes it', async () => {
    const { userId } = await t.signUp();
    const seqs: number[] = [];
    const note = (job: { eventSeq: number } | null) => {
      expect(job).not.toBeNull();
      seqs.push(job!.eventSeq);
    };
    const now = () => new Date();
    const lease = () => new Date(Date.now() + 60_000);
    await t.deps.store.tx(async (r) => {
      note(await r.jobs.insert({ id: 'job_seq_1', userId, app: 'test', pipeline: 'p', status: 'queued', input: {}, entityKey: null }));
      note(await r.jobs.update('job_seq_1', { progress: 0.1 }));
      note(await r.jobs.update('job_seq_1', { progress: 0.2 }, ['queued']));
      note(await r.jobs.claim('job_seq_1', 0, 'w1', lease(), now()));
      note(await r.jobs.finishStep({ step: step('job_seq_1', 'a'), workerId: 'w1', progress: 0.5, trace: { at: now().toISOString(), step: 'a', message: 'done' } }));
      note(await r.jobs.finishStep({ step: step('job_seq_1', 'b'), workerId: 'w1', progress: 1, trace: { at: now().toISOString(), step: 'b', message: 'done' }, complete: { result: null, at: now() } }));
      note(await r.jobs.insert({ id: 'job_seq_2', userId, app: 'test', pipeline: 'p', status: 'queued', input: {}, entityKey: null }));
      note(await r.jobs.claimAhead({ jobId: 'job_seq_2', run: 0, workerId: 'w1', leaseUntil: lease(), now: now(), steps: [step('job_seq_2', 'a')], trace: [], progress: 0.5 }));
      note(await r.jobs.insert({ id: 'job_seq_3', userId, app: 'test', pipeline: 'p', status: 'queued', input: {}, entityKey: null }));
      note(await r.jobs.claimAhead({ jobId: 'job_seq_3', run: 0, workerId: 'w1', leaseUntil: lease(), now: now(), steps: [step('job_seq_3', 'a')], trace: [], progress: 1, complete: { result: null } }));
    });
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 1, 2]);
    expect((await t.deps.store.read((r) => r.jobs.get('job_seq_1')))!.eventSeq).toBe(6);
  });

  it('is raised by every UPDATE of jobs written in the database adapter', () => {
    const dir = path.dirname(new URL(import.meta.url).pathname);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      // Each `update jobs set ...` up to its `where` must name the sequence.
      for (const m of source.matchAll(/update jobs set([\s\S]*?)\bwhere\b/gi)) expect(m[1], `${file}: ${m[0].slice(0, 80)}`).toMatch(/\$\{BUMP\}|event_seq|\$\{sets\.join/);
      expect(source, `${file}: a query-builder update of jobs`).not.toMatch(/\.update\(\s*(?:t\.)?jobs\s*\)/);
    }
  });
});
