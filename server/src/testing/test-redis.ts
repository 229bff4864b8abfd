import { Redis } from 'ioredis';

/** The Redis the adapter tests use: REDIS_URL, or this machine's default when it answers. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url = testRedisUrl): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Removes every key of the BullMQ queue `queueName` (its default `bull:` prefix) from the Redis at
 * `url`: the clean-up of a test whose child processes used that queue.
 */
export async function dropQueue(queueName: string, url = testRedisUrl): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    const pattern = `bull:${queueName.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
