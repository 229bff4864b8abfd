import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type Child } from '../testing/child-process';
import { httpJson, submitClipsJob, waitFor } from '../testing/http-flow';
import { createTestDatabase } from '../testing/test-database';
import { freePort } from '../testing/free-port';
import { dropQueue } from '../testing/test-redis';
import { serverMode } from '../testing/test-platform';
import { RESUMED_AFTER_LEASE_EXPIRY } from '../adapters/db/hot-queries';
import { WORKER_LOST } from '../engine/reconciler';

/**
 * A worker process SIGKILLed in the middle of a job: the job resumes elsewhere, finishes, charges
 * once and keeps one asset per slot. Embedded mode restarts the single process on the same data
 * dir; server mode kills one of two worker processes sharing PostgreSQL and Redis.
 */
const children: Child[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  for (const f of cleanups) await f();
});

const http = httpJson;

async function jobStatus(url: string, jobId: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ status: string }>('select status from jobs where id = $1', [jobId])).rows[0]!.status;
  } finally {
    await c.end();
  }
}

async function startStoryJob(base: string) {
  const { token, jobId, confirm } = await submitClipsJob(base, 'story');
  expect(confirm.status).toBe(200);
  return { token, jobId };
}

const stepDone = (base: string, token: string, jobId: string, step: string) => async () => {
  const { body } = await http(base, 'GET', `/v1/jobs/${jobId}`, token);
  return body.status === 'running' && body.steps.some((s: { name: string; status: string }) => s.name === step && s.status === 'done') ? body : null;
};

/**
 * The job under way (`step` done, not finished), running or waiting on its videos: with steps side
 * by side a job runs only in short spans between its waits, which a poll may miss.
 */
const underWay = (base: string, token: string, jobId: string, step: string) => async () => {
  const { body } = await http(base, 'GET', `/v1/jobs/${jobId}`, token);
  return ['running', 'waiting'].includes(body.status) && body.steps.some((s: { name: string; status: string }) => s.name === step && s.status === 'done') ? body : null;
};

/**
 * How a dead worker's job is taken over: the reconciler requeues it once its lease expired, or the
 * queue hands its delivery to another worker first, which claims the job over the expired lease.
 */
const TAKEN_OVER = [WORKER_LOST, RESUMED_AFTER_LEASE_EXPIRY];

/**
 * The job finished once. `heldAtKill`: whether the killed worker held the job (running) when it
 * died, which a takeover then shows; undefined when the test cannot tell (embedded
 * mode: the API died with the worker). With clips running side by side, the job may as well
 * have been waiting on its videos, holding no worker.
 */
async function assertFinishedOnce(base: string, token: string, jobId: string, heldAtKill?: boolean) {
  const done = await waitFor(async () => {
    const { body } = await http(base, 'GET', `/v1/jobs/${jobId}`, token);
    return ['completed', 'failed'].includes(body.status) ? body : null;
  }, 60_000, 'the job to finish');
  expect(done.status).toBe('completed');
  if (heldAtKill !== undefined) expect(done.stateHistory.some((h: { note?: string }) => TAKEN_OVER.includes(h.note ?? ''))).toBe(heldAtKill);
  const slots = done.assets.map((a: { slot: string }) => a.slot).sort();
  expect(slots).toEqual(['clip_1', 'clip_2', 'clip_3', 'ref_1', 'thumb_1', 'thumb_2', 'thumb_3']);
  const credits = await http(base, 'GET', '/v1/credits', token);
  expect(credits.body.balance).toBe(8);
  expect(credits.body.entries.filter((e: { kind: string }) => e.kind === 'charge')).toHaveLength(1);
  const job = await http(base, 'GET', `/api/jobs/${jobId}`, token);
  expect(job.body.result.clips.every((c: { videoUrl: string | null }) => c.videoUrl)).toBe(true);
}

describe('a worker killed mid-job', () => {
  it.runIf(!serverMode)('embedded: the restarted process resumes the job from its last finished step', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-crash-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STUB_LATENCY_MS: '400' };
    const first = runCli('start', env, { embedded: true });
    children.push(first);
    await first.waitForOutput('worker started');
    const { token, jobId } = await startStoryJob(base);
    await waitFor(underWay(base, token, jobId, 'identity_pack'), 30_000, 'identity_pack to be done');
    await first.kill('SIGKILL');

    const second = runCli('start', env, { embedded: true });
    children.push(second);
    await second.waitForOutput('worker started');
    await assertFinishedOnce(base, token, jobId);
  }, 90_000);

  // A clip's video is a wait, not a running step: the process exits once the step in hand is done,
  // and the next start resumes the waiting job (the stub's prediction is gone with the process, so
  // the clip is submitted again). Never a lost worker, never a job given back unfinished.
  it.runIf(!serverMode)('SIGTERM lets the running step finish before the process exits', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-term-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STUB_LATENCY_MS: '300' };
    const first = runCli('start', env, { embedded: true });
    children.push(first);
    await first.waitForOutput('worker started');
    const { token, jobId } = await startStoryJob(base);
    await waitFor(stepDone(base, token, jobId, 'identity_pack'), 30_000, 'identity_pack to be done');
    await first.kill('SIGTERM');
    expect(first.proc.exitCode).toBe(0);

    const second = runCli('start', env, { embedded: true });
    children.push(second);
    await second.waitForOutput('worker started');
    const body = await waitFor(async () => {
      const { body } = await http(base, 'GET', `/v1/jobs/${jobId}`, token);
      return ['completed', 'failed'].includes(body.status) ? body : null;
    }, 60_000, 'the job to finish');
    expect(body.status).toBe('completed');
    const notes = body.stateHistory.map((h: { note?: string }) => h.note);
    expect(notes).not.toContain('worker lost; requeued');
    expect(notes).not.toContain('worker stopping; requeued');
  }, 90_000);

  it.runIf(serverMode)('server mode: another worker takes the job over (its lease expired, or its wait is polled)', async () => {
    const db = await createTestDatabase(process.env.DATABASE_URL!);
    cleanups.push(() => db.drop());
    // The processes share a queue of this test's own; its keys go when the processes are gone.
    const queueName = `mf-test-crash-${randomBytes(4).toString('hex')}`;
    cleanups.push(() => dropQueue(queueName, process.env.REDIS_URL!));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-crash-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: base,
      DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, QUEUE_NAME: queueName, JWT_SECRET: 'crash-test-secret-0123456789-0123456789',
      STUB_LATENCY_MS: '400', JOB_LEASE_MS: '2000',
    };
    const migrate = runCli('migrate', env);
    await migrate.waitForOutput('migrations applied');
    const api = runCli('api', env);
    children.push(api);
    await api.waitForOutput('mediaforge listening');
    const w1 = runCli('worker', { ...env, WORKER_CONCURRENCY: '1' });
    children.push(w1);
    await w1.waitForOutput('worker started');
    const { token, jobId } = await startStoryJob(base);
    await waitFor(underWay(base, token, jobId, 'identity_pack'), 30_000, 'identity_pack to be done');
    await w1.kill('SIGKILL');
    // Nothing moves the job until another worker runs. Read what the killed worker committed from
    // the database: the API's detail cache may be up to its TTL behind a write whose event the
    // kill cut off.
    const heldAtKill = (await jobStatus(db.url, jobId)) === 'running';

    const w2 = runCli('worker', env);
    children.push(w2);
    await w2.waitForOutput('worker started');
    await assertFinishedOnce(base, token, jobId, heldAtKill);
    // The processes used this test's queue, not the default one: its keys are there to drop.
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      expect((await redis.keys(`bull:${queueName}:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});
