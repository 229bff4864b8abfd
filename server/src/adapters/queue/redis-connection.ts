import { Redis, type RedisOptions } from 'ioredis';

export type WarningReporter = (message: string) => void;

/** A named ioredis client (visible in CLIENT LIST) whose errors are reported once per outage, not once per retry. */
export function openRedis(url: string, name: string, options: RedisOptions, onWarning: WarningReporter): Redis {
  const client = new Redis(url, { connectionName: name, ...options });
  let reported = false;
  client.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    onWarning(`Redis connection ${name}: ${err.message}`);
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}

/**
 * Resolves when the client can take a command now. While it is connecting, waits at most
 * `timeoutMs`; while it is down between retries, rejects at once, so callers fail fast, not hang.
 */
export async function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status !== 'connecting' && client.status !== 'connect') throw new Error(`Redis unavailable (${client.status})`);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady).off('error', onError).off('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onError = (err: Error) => done(new Error(`Redis unavailable: ${err.message}`));
    const onEnd = () => done(new Error('Redis unavailable (end)'));
    const timer = setTimeout(() => done(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    client.on('ready', onReady).on('error', onError).on('end', onEnd);
  });
}

/** Closes politely when connected (pending replies arrive), at once otherwise. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
