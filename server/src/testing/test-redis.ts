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
