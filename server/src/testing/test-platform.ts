import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../config/config';
import { parseEnv } from '../config/env';
import { buildPlatform, type BuildOptions, type BuiltPlatform } from '../composition/build-platform';
import type { JobStatus } from '../core/jobs/job-status';
import type { Job } from '../core/ports/store';
import type { Logger } from '../services/deps';
import { createTestDatabase } from './test-database';
import { testPlanLimits } from './test-plan-limits';
import { BullmqQueue } from '../adapters/queue/bullmq-queue';
import { BullmqGpuQueue } from '../adapters/gpu/bullmq-gpu-queue';

/** Read when called: the benchmark switches modes within one process. */
const inServerMode = () => Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
export const serverMode = inServerMode();

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface TestPlatform extends BuiltPlatform {
  dataDir: string;
  env: Record<string, string>;
  /** A request through the real Hono app, JSON in and out. */
  call(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  signUp(): Promise<{ token: string; userId: string }>;
  /** Polls the database until the job reaches one of `statuses`. */
  waitForJob(jobId: string, statuses: JobStatus[], timeoutMs?: number): Promise<Job>;
  dispose(): Promise<void>;
}

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/**
 * A whole platform for one test file: PGlite in memory, local storage in a temp dir and the
 * in-process queue; or, when DATABASE_URL and REDIS_URL are set, a fresh PostgreSQL database and
 * BullMQ on its own queue name.
 */
export async function createTestPlatform(
  opts: Partial<BuildOptions> & { env?: Record<string, string>; startWorker?: boolean } = {},
): Promise<TestPlatform> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-test-'));
  const db = inServerMode() ? await createTestDatabase(process.env.DATABASE_URL!) : null;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://mediaforge.test',
    JWT_SECRET: 'test-secret-0123456789-0123456789-abcdef',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    SIGNUP_RATE_LIMIT: '1000',
    LOG_LEVEL: 'silent',
    ...(db ? { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL! } : {}),
    ...opts.env,
  };
  const config = resolveConfig(parseEnv(env));
  const built = await buildPlatform(config, {
    role: 'test',
    logger: silentLogger,
    memoryDatabase: !db,
    queueName: `mf-test-${randomBytes(4).toString('hex')}`,
    reconcileEveryMs: 200,
    gpuFetch: 'in-process',
    ...opts,
    settings: { planLimits: testPlanLimits(), ...opts.settings },
  });
  await built.migrate();
  if (opts.startWorker !== false) {
    await built.worker.start();
    await built.gpuWorker?.start();
  }

  const call: TestPlatform['call'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: RequestInit['body'];
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof o.body === 'string' || o.body instanceof Uint8Array ? (o.body as string) : JSON.stringify(o.body);
    }
    const res = await built.app.request(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    ...built,
    dataDir,
    env,
    call,
    async signUp() {
      // A fresh address per sign-up, so tests that lower SIGNUP_RATE_LIMIT only limit their own calls.
      const res = await call('POST', '/v1/auth/anon', { headers: { 'x-forwarded-for': `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}` } });
      if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { token: res.body.token, userId: res.body.user.id };
    },
    async waitForJob(jobId, statuses, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await built.deps.store.read((r) => r.jobs.get(jobId));
        if (job && statuses.includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} is ${job?.status}, not ${statuses.join('|')}, after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async dispose() {
      if (built.deps.queue instanceof BullmqQueue) await built.deps.queue.obliterate().catch(() => {}); // best effort: the queue's name is this test's own
      if (built.gpuQueue instanceof BullmqGpuQueue) await built.gpuQueue.obliterate().catch(() => {});
      await built.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
