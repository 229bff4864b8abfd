import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type Child } from '../testing/child-process';
import { freePort } from '../testing/free-port';
import { httpJson, submitClipsJob, waitFor } from '../testing/http-flow';
import { createTestDatabase } from '../testing/test-database';
import { serverMode } from '../testing/test-platform';
import { dropQueue } from '../testing/test-redis';

const children: Child[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  // A process given the real Redis registers its queue there even when it stops at start.
  if (process.env.REDIS_URL) for (const c of children) await dropQueue(c.queueName, process.env.REDIS_URL).catch(() => {});
  for (const f of cleanups.reverse()) await f();
});

const SECRET = 'cli-test-secret-0123456789-0123456789';
const exitCode = (child: Child) =>
  new Promise<number | null>((resolve) => (child.proc.exitCode !== null ? resolve(child.proc.exitCode) : child.proc.once('exit', (code) => resolve(code))));
/** A failure people cause every day is one line, not a stack trace. */
const noStack = (out: string) => expect(out).not.toMatch(/\n\s+at .+:\d+:\d+/);

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the command and waits for its exit. */
async function runToExit(command: string | null, env: Record<string, string>, opts: { embedded?: boolean } = {}) {
  const child = runCli(command, env, opts);
  children.push(child);
  const code = await exitCode(child);
  return { code, out: child.output() };
}

describe('mediaforge CLI: commands and help', () => {
  it('stops with a message naming each bad variable', async () => {
    const { code, out } = await runToExit('start', { PORT: 'eighty', QUOTA_TZ: 'Nowhere/City' });
    expect(code).toBe(1);
    expect(out).toContain('Invalid configuration');
    expect(out).toContain('PORT');
    expect(out).toContain('QUOTA_TZ');
  });

  it.each(['help', '--help', '-h'])('"%s" exits 0 and lists every command', async (arg) => {
    const { code, out } = await runToExit(arg, {});
    expect(code).toBe(0);
    for (const command of ['start', 'api', 'worker', 'migrate', 'help']) expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const { code, out } = await runToExit('frobnicate', {});
    expect(code).toBe(2);
    expect(out).toContain('unknown command "frobnicate"');
    expect(out).toContain('Usage: npx mediaforge');
  });

  it('with no command, says it starts API and worker embedded, and SIGTERM ends it with 0', async () => {
    const port = await freePort();
    const child = runCli(null, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir() }, { embedded: true });
    children.push(child);
    await child.waitForOutput('worker started', 60_000);
    expect(child.output()).toContain('starting API + worker (embedded');
    expect(child.output()).toContain('--help');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ database: 'ok', schema: 'ok' });
    await child.kill('SIGTERM');
    expect(child.proc.exitCode).toBe(0);
  }, 90_000);
});

describe('npm start', () => {
  it('passes SIGTERM to the server: a supervisor that signals only npm stops it', async () => {
    const port = await freePort();
    const root = path.resolve(import.meta.dirname, '../../..');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'REDIS_URL'].includes(k) && !k.startsWith('S3_')));
    // Its own group, so that the cleanup below can stop whatever it started if the test fails.
    const npm = spawn('npm', ['start'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir(), LOG_LEVEL: 'info' } });
    cleanups.push(() => {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    });
    let out = '';
    npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => out.includes('worker started'), 100_000, 'npm start to be ready');
    // Its output closes only when every process holding it ended: before `exec`, sh died with npm
    // and node went on serving as an orphan, holding it open.
    const closed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
    npm.kill('SIGTERM');
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('npm start and the server did not end within 40 s')), 40_000).unref());
    await Promise.race([closed, late]);
    expect(out).toContain('shutting down');
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused');
  }, 150_000);
});

describe('mediaforge CLI: start-up failures name the cause and the variable', () => {
  it('a DATABASE_URL whose server is down', async () => {
    const port = await freePort();
    for (const command of ['migrate', 'api']) {
      const { code, out } = await runToExit(command, { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/mediaforge`, REDIS_URL: `redis://127.0.0.1:${port}`, JWT_SECRET: SECRET });
      expect(code).toBe(1);
      expect(out).toContain(`cannot connect to PostgreSQL at 127.0.0.1:${port}/mediaforge: connection refused`);
      expect(out).toContain('Fix DATABASE_URL');
      noStack(out);
    }
  }, 60_000);

  it('a DATABASE_URL whose host does not resolve', async () => {
    const { code, out } = await runToExit('migrate', { DATABASE_URL: 'postgres://postgres@no-such-host.invalid/mediaforge', JWT_SECRET: SECRET });
    expect(code).toBe(1);
    expect(out).toContain('host "no-such-host.invalid" not found');
    expect(out).toContain('DATABASE_URL');
    noStack(out);
  }, 60_000);

  it.runIf(serverMode)('a DATABASE_URL naming a database that does not exist', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/mf_cli_no_such_database';
    const { code, out } = await runToExit('migrate', { DATABASE_URL: url.toString(), JWT_SECRET: SECRET });
    expect(code).toBe(1);
    expect(out).toContain('has no database "mf_cli_no_such_database"');
    expect(out).toContain('DATABASE_URL');
    noStack(out);
  }, 60_000);

  it.each(['start', 'gpu-worker'])('a REDIS_URL nobody answers (%s)', async (command) => {
    const port = await freePort();
    const { code, out } = await runToExit(command, { REDIS_URL: `redis://127.0.0.1:${port}`, DATA_DIR: tempDir(), PORT: String(await freePort()), HOST: '127.0.0.1' }, { embedded: true });
    expect(code).toBe(1);
    expect(out).toContain(`cannot reach Redis at 127.0.0.1:${port}`);
    expect(out).toContain('Fix REDIS_URL');
    noStack(out);
  }, 60_000);

  it('a port already in use', async () => {
    const taken = createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { code, out } = await runToExit('start', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir() }, { embedded: true });
    expect(code).toBe(1);
    expect(out).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(out).toContain('PORT');
    noStack(out);
  }, 60_000);

  it('api or worker without a shared database and queue: the variable is named, start is offered', async () => {
    for (const command of ['api', 'worker']) {
      // The database is never reached: the split is refused before anything connects.
      const server = await runToExit(command, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/mediaforge', JWT_SECRET: SECRET }, { embedded: true });
      expect(server.code).toBe(1);
      expect(server.out).toContain('set REDIS_URL');
      expect(server.out).toContain('npx mediaforge start');
      // PGlite belongs to one process, Redis or not.
      const embedded = await runToExit(command, { DATA_DIR: tempDir(), REDIS_URL: 'redis://127.0.0.1:1' }, { embedded: true });
      expect(embedded.code).toBe(1);
      expect(embedded.out).toContain('DATABASE_URL');
      expect(embedded.out).toContain('npx mediaforge start');
      noStack(server.out + embedded.out);
    }
  }, 60_000);
});

describe.runIf(serverMode)('mediaforge CLI: server mode on a database nobody migrated', () => {
  it('api and worker stop and name `npx mediaforge migrate`; after it, api serves and is ready', async () => {
    const db = await createTestDatabase(process.env.DATABASE_URL!);
    cleanups.push(() => db.drop());
    const port = await freePort();
    const env = { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, JWT_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir() };
    for (const command of ['api', 'worker']) {
      const { code, out } = await runToExit(command, env);
      expect(code).toBe(1);
      expect(out).toContain('no mediaforge schema');
      expect(out).toContain('npx mediaforge migrate');
      noStack(out);
    }
    const migrate = await runToExit('migrate', env);
    expect(migrate.code).toBe(0);
    const api = runCli('api', env);
    children.push(api);
    await api.waitForOutput('mediaforge listening', 60_000);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.schema).toBe('ok');
    await api.kill('SIGTERM');
    expect(api.proc.exitCode).toBe(0);
  }, 120_000);
});

/** A Redis of this test's own, which it can stop while mediaforge runs. */
async function privateRedis(): Promise<{ url: string; stop(): Promise<void> } | null> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const started = await new Promise<boolean>((resolve) => {
    proc.once('error', () => resolve(false));
    proc.once('spawn', () => resolve(true));
  });
  if (!started) return null;
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await gone;
  };
  cleanups.push(stop);
  return { url: `redis://127.0.0.1:${port}`, stop };
}

describe('mediaforge CLI: Redis lost while running, and shutdown', () => {
  it('reads jobs from the database without Redis, and SIGTERM ends the process', async (ctx) => {
    const redis = await privateRedis();
    if (!redis) return ctx.skip();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir(), PUBLIC_URL: base, SHUTDOWN_GRACE_MS: '2000', SHUTDOWN_TIMEOUT_MS: '5000' };
    const child = runCli('start', env, { embedded: true });
    children.push(child);
    await child.waitForOutput('worker started', 60_000);
    const done = await submitClipsJob(base, 'quick');
    expect(done.confirm.status).toBe(200);
    await waitFor(async () => ((await httpJson(base, 'GET', `/v1/jobs/${done.jobId}`, done.token)).body.status === 'completed' ? true : null), 60_000, 'the job');

    await redis.stop();
    // Accepted while Redis is gone: written first, enqueued when Redis is back (the reconciler).
    const accepted = await submitClipsJob(base, 'quick');
    expect(accepted.confirm.status).toBe(200);
    for (const { jobId, token } of [done, accepted]) {
      for (const url of [`/v1/jobs/${jobId}`, `/api/jobs/${jobId}`]) {
        const res = await httpJson(base, 'GET', url, token);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(jobId === done.jobId ? 'completed' : 'queued');
      }
    }
    await child.kill('SIGTERM');
    expect(child.proc.exitCode).not.toBeNull();
    noStack(child.output());
  }, 120_000);

  it('a second signal exits at once while the first waits for a running job', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = runCli('start', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir(), PUBLIC_URL: base, STUB_LATENCY_MS: '60000' }, { embedded: true });
    children.push(child);
    await child.waitForOutput('worker started', 60_000);
    const job = await submitClipsJob(base, 'quick');
    expect(job.confirm.status).toBe(200);
    await waitFor(async () => ((await httpJson(base, 'GET', `/v1/jobs/${job.jobId}`, job.token)).body.status === 'running' ? true : null), 60_000, 'the job to run');
    child.proc.kill('SIGTERM');
    await child.waitForOutput('shutting down');
    await child.kill('SIGINT');
    expect(child.proc.exitCode).toBe(130);
    expect(child.output()).toContain('second signal: exiting now');
  }, 120_000);
});
