import type { LRUCache, Perf } from 'lru-cache';
import type { Clock } from '../../core/ports/clock';

/**
 * The cache's TTL clock from the injectable clock, so tests move time instead of sleeping. Used
 * with `ttlResolution: 0`: lru-cache would otherwise keep a reading for a millisecond of real time.
 */
export const clockPerf = (clock: Clock): Perf => ({ now: () => clock.now().getTime() });

/**
 * A read through `cache` (an lru-cache with a `fetchMethod`): concurrent reads of one key share one
 * load. A load that is invalidated (`cache.delete`) or evicted while it runs is dropped, not
 * cached, and lru-cache rejects its waiters; they read afresh with `load`, uncached, since what the
 * dropped load read may be older than the change that dropped it. Null when there is nothing.
 */
export async function readThrough<K extends {}, V extends {}>(cache: LRUCache<K, V>, key: K, load: (key: K) => Promise<V | null>): Promise<V | null> {
  const status: LRUCache.Status<K, V> = {};
  try {
    return (await cache.fetch(key, { status })) ?? null;
  } catch (err) {
    // An in-flight load that was joined reports its abort to its starter only: retry those too.
    if (status.fetchAborted || status.fetch === 'inflight') return load(key);
    throw err;
  }
}
