import { LRUCache } from 'lru-cache';
import type { User } from '../../core/ports/store';
import type { Deps } from '../deps';
import { clockPerf, readThrough } from '../cache/read-through';

export interface UserCacheOptions {
  /** How long a read user is trusted, in ms (1 s). */
  ttlMs?: number;
  /** Users kept at most; the least recently used go first (10 000). */
  max?: number;
}

/**
 * Who a token's user is, for authorisation: read at most once a TTL per user, concurrent reads of
 * one user sharing one query. A plan or role change made here is seen at once (`invalidate`); one
 * made by another process within the TTL.
 */
export class UserCache {
  private readonly cache: LRUCache<string, User>;

  constructor(private readonly deps: Pick<Deps, 'store' | 'clock'>, opts: UserCacheOptions = {}) {
    this.cache = new LRUCache<string, User>({
      max: opts.max ?? 10_000,
      ttl: opts.ttlMs ?? 1000,
      ttlResolution: 0,
      perf: clockPerf(deps.clock),
      fetchMethod: async (id) => (await this.load(id)) ?? undefined,
    });
  }

  get(id: string): Promise<User | null> {
    return readThrough(this.cache, id, (k) => this.load(k));
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /** Users cached now (for tests of the bound). */
  get size(): number {
    return this.cache.size;
  }

  private load(id: string): Promise<User | null> {
    return this.deps.store.read((r) => r.users.get(id));
  }
}
