import { serve } from '@hono/node-server';
import { ConfigError, parseEnv } from '../config/env';
import { resolveConfig } from '../config/config';
import { buildPlatform, type BuiltPlatform } from '../composition/build-platform';

const USAGE = `mediaforge <command>

  start     migrate, then serve the API and run a worker in one process (embedded defaults)
  api       serve the API only
  worker    run a worker only (queue consumer and reconciler)
  migrate   apply the committed database migrations and exit
  help      this text

Configuration comes from the environment; see README.md.`;

type Command = 'start' | 'api' | 'worker' | 'migrate';

async function main(argv: string[]): Promise<void> {
  const command = (argv[0] ?? 'start') as Command | 'help';
  if (command === 'help' || !['start', 'api', 'worker', 'migrate'].includes(command)) {
    console.log(USAGE);
    process.exitCode = command === 'help' ? 0 : 2;
    return;
  }

  let config;
  try {
    config = resolveConfig(parseEnv(process.env));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const built = await buildPlatform(config, { role: command === 'migrate' ? 'migrate' : command });
  const log = built.deps.log;
  if (command === 'migrate') {
    await built.migrate();
    log.info('migrations applied');
    await built.close();
    return;
  }
  if (command === 'start' || config.mode.database === 'pglite') await built.migrate();

  let server: ReturnType<typeof serve> | null = null;
  if (command === 'start' || command === 'api') {
    server = serve({ fetch: built.app.fetch, port: config.env.PORT, hostname: config.env.HOST }, (info) => {
      log.info({ url: config.publicUrl, port: info.port, mode: config.mode }, 'mediaforge listening');
    });
  }
  if (command === 'start' || command === 'worker') await built.worker.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server?.close();
    await built.worker.stop().catch(() => {});
    await built.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

export type { BuiltPlatform };

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
