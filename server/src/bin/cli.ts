import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, parseEnv } from '../config/env';
import { resolveConfig, type Config } from '../config/config';
import type { BuiltPlatform } from '../composition/build-platform';
import type { Logger } from '../services/deps';
import { createLogger } from '../composition/logger';
import { tuneHeapForMedia } from '../composition/heap-tuning';
import { StartupFailure, databaseFailure, listenFailure, redisFailure, storageFailure, within } from './startup-failure';

const USAGE = `Usage: npx mediaforge [command]

Commands:
  start     apply the migrations, then serve the API and run a worker in one process (the default)
  api       serve the API only (server mode: DATABASE_URL, migrated, and REDIS_URL)
  worker    run a worker only: queue consumer and reconciler (server mode, as api)
  gpu-worker  run a GPU worker only: the rules app's photos, from the GPU task queue (REDIS_URL;
            no database: each task carries its URLs and reports by signed callback)
  migrate   apply the committed database migrations and exit
  help      this text (also --help, -h)

With no variables set, everything runs embedded under ./data (PGlite, an in-process queue, local
files). DATABASE_URL, REDIS_URL and S3_* switch to server mode. Configuration and operations:
README.md and docs/operations.md.`;

const COMMANDS = ['start', 'api', 'worker', 'gpu-worker', 'migrate'] as const;
type Command = (typeof COMMANDS)[number];

/** Time allowed to reach PostgreSQL, Redis or S3 at start before it counts as unreachable. */
const REACH_TIMEOUT_MS = 10_000;

async function main(argv: string[]): Promise<void> {
  tuneHeapForMedia();
  const arg = argv[0];
  if (arg === 'help' || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (arg !== undefined && !(COMMANDS as readonly string[]).includes(arg)) {
    console.error(`mediaforge: unknown command "${arg}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const command: Command = (arg as Command | undefined) ?? 'start';

  let config: Config;
  try {
    config = resolveConfig(parseEnv(process.env));
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  // A split deployment's processes meet only through what they share: PGlite belongs to one
  // process, and without Redis the in-process queue reaches no other process (a job would wait
  // for the reconciler's sweep of stale queued jobs, half a minute).
  if (command === 'api' || command === 'worker') {
    if (config.mode.database === 'pglite') {
      fail(`"${command}" runs one half of a split deployment, whose processes share PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); the embedded database belongs to one process: run "npx mediaforge start" for API and worker in one.`);
    }
    if (config.mode.queue === 'memory') {
      fail(`"${command}" runs one half of a split deployment, whose processes share jobs through Redis: set REDIS_URL (the same for api and worker), or run "npx mediaforge start" for API and worker in one process.`);
    }
  }
  if (command === 'gpu-worker') {
    if (config.mode.queue === 'memory') {
      fail('"gpu-worker" takes its tasks from Redis: set REDIS_URL (and QUEUE_NAME) as the API\'s. Without Redis, "npx mediaforge start" works on the photos in its own process.');
    }
    await runGpuWorker(config);
    return;
  }
  if (arg === undefined) console.log(`mediaforge: starting API + worker (${describeMode(config)}) on ${config.publicUrl}; "npx mediaforge --help" lists the commands`);

  // Each command loads only its own code: a gpu-worker never loads the API's (imported below).
  const { buildPlatform } = await import('../composition/build-platform');
  const built = await buildPlatform(config, { role: command as Exclude<Command, 'gpu-worker'> });
  try {
    await run(command, built, config);
  } catch (err) {
    if (err instanceof StartupFailure) fail(err.message);
    throw err;
  }
}

/** Runs a dependency's check within REACH_TIMEOUT_MS; a failure or no answer becomes `failure(err)`. */
async function reach(check: () => Promise<void>, failure: (err: unknown) => StartupFailure): Promise<void> {
  const timedOut = () => Object.assign(new Error(`no answer in ${REACH_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' });
  await within(REACH_TIMEOUT_MS, check(), timedOut).catch((err: unknown) => {
    throw failure(err);
  });
}

/** Checks what the command needs, in the order a person would fix it, then runs it. */
async function run(command: Command, built: BuiltPlatform, config: Config): Promise<void> {
  const { env } = config;
  const log = built.deps.log;
  const { readiness } = built.platform;
  if (config.mode.database === 'postgres') await reach(readiness.database!, (err) => databaseFailure(err, env.DATABASE_URL!));
  if (command === 'migrate') {
    await built.migrate();
    log.info('migrations applied');
    await built.close();
    return;
  }
  if (config.mode.queue === 'bullmq') await reach(readiness.queue!, (err) => redisFailure(err, env.REDIS_URL!));
  if (config.mode.storage === 's3') await reach(readiness.storage!, (err) => storageFailure(err, env.S3_BUCKET, env.S3_ENDPOINT));
  // `start` and the embedded database migrate by themselves; `api` and `worker` of a server
  // deployment never change the schema (docs/operations.md: one deliberate migrate step).
  if (command === 'start' || config.mode.database === 'pglite') {
    await built.migrate();
  } else {
    const { describeSchema, schemaUsable } = await import('../adapters/db/schema-status');
    const status = await built.schemaStatus();
    if (!schemaUsable(status)) throw new StartupFailure(`${describeSchema(status)} (DATABASE_URL), then start "${command}" again.`);
    if (status.state === 'ahead') log.warn(describeSchema(status));
  }

  let server: ServerType | null = null;
  if (command === 'start' || command === 'api') server = await listen(built, config, built.app.fetch, config.env.PORT);
  // A worker serves no API; with METRICS_PORT its own step and provider figures can be scraped.
  if (command === 'worker' && env.METRICS_PORT !== undefined) {
    const { metricsApp } = await import('../http/routes/metrics-routes');
    server = await listen(built, config, metricsApp(built.platform).fetch, env.METRICS_PORT);
  }
  if (command === 'start' || command === 'worker') await built.worker.start();
  // One process runs it all: the rules app's photos are worked on here too (GPU_WORKER_CONCURRENCY=0: by gpu-workers only).
  if (command === 'start') await built.gpuWorker?.start();
  handleSignals(built, server, log, env.SHUTDOWN_TIMEOUT_MS);
}

/** Resolves once the HTTP server listens; a taken port becomes a StartupFailure. */
function listen(built: BuiltPlatform, config: Config, fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  const { HOST: hostname } = config.env;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, (info) => {
      server.off('error', onError);
      built.deps.log.info({ url: config.publicUrl, port: info.port, mode: config.mode }, 'mediaforge listening');
      resolve(server);
    });
    const onError = (err: Error) => reject(listenFailure(err, hostname, port));
    server.once('error', onError);
  });
}

/**
 * SIGTERM or SIGINT: stop taking requests and jobs, let the worker stop, close every resource,
 * exit 0. Bounded: after `timeoutMs` the process exits 1 anyway, and a second signal exits at once.
 */
function handleSignals(built: BuiltPlatform, server: ServerType | null, log: Logger, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    log.info({ signal, timeoutMs }, 'shutting down (a second signal exits at once)');
    setTimeout(() => {
      log.error({ timeoutMs }, `shutdown took longer than ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    void (async () => {
      server?.close();
      // Idle keep-alive connections would hold close() open; requests in flight may finish.
      if (server && 'closeIdleConnections' in server) server.closeIdleConnections();
      await built.worker.stop().catch((err: unknown) => log.error({ err }, 'worker stop failed'));
      await built.close();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** A GPU worker alone: Redis and the image-operation provider; stops on SIGTERM/SIGINT once its tasks end. */
async function runGpuWorker(config: Config): Promise<void> {
  const log = createLogger(config.env.LOG_LEVEL);
  const { openGpuWorkerProcess } = await import('../composition/gpu-worker-process');
  const proc = await openGpuWorkerProcess(config, log);
  try {
    await reach(() => proc.queue.ping(), (err) => redisFailure(err, config.env.REDIS_URL!));
  } catch (err) {
    await proc.close().catch(() => {});
    if (err instanceof StartupFailure) fail(err.message);
    throw err;
  }
  await proc.worker.start();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    log.info({ signal }, 'gpu worker stopping (a second signal exits at once)');
    setTimeout(() => process.exit(1), config.env.SHUTDOWN_TIMEOUT_MS).unref();
    void proc.close().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'gpu worker stop failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** What `start` runs on, in words, for the line printed when no command was given. */
function describeMode(config: Config): string {
  const { mode } = config;
  if (mode.database === 'pglite' && mode.queue === 'memory' && mode.storage === 'local') return `embedded: data under ${config.dataDir}`;
  return [
    mode.database === 'postgres' ? 'PostgreSQL' : 'PGlite',
    mode.queue === 'bullmq' ? 'BullMQ on Redis' : 'in-process queue',
    mode.storage === 's3' ? 'S3 storage' : 'local storage',
  ].join(', ');
}

/** Prints one line naming the cause, and exits non-zero. */
function fail(message: string): never {
  console.error(`mediaforge: ${message}`);
  process.exit(1);
}

export type { BuiltPlatform };

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
