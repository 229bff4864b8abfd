import type { Redis } from 'ioredis';

/**
 * Redis's `maxmemory-policy`, or null when CONFIG is not allowed (some managed Redis services disable
 * it: Redis replies with an error). Other failures (a lost connection) throw.
 */
export async function readEvictionPolicy(client: Redis): Promise<string | null> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    return reply[1] ?? null;
  } catch (err) {
    if ((err as { name?: string }).name === 'ReplyError') return null;
    throw err;
  }
}

/** BullMQ keeps jobs in Redis keys: any policy but `noeviction` may silently drop queued jobs under memory pressure. */
export function evictionWarning(policy: string | null): string | null {
  if (policy === null || policy === 'noeviction') return null;
  return `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued jobs may be evicted under memory pressure`;
}
