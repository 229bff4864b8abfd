import type { User } from '../../core/ports/store';
import type { Deps } from '../deps';

/**
 * Who a token's user is, for authorisation: read at most once a second per user. A plan or role
 * change made here is seen at once; one made by another process within the TTL.
 */
export class UserCache {
  private readonly entries = new Map<string, { user: User; expires: number }>();

  constructor(private readonly deps: Pick<Deps, 'store'>, private readonly ttlMs = 1000, private readonly max = 10_000) {}

  async get(id: string): Promise<User | null> {
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.expires > now) return hit.user;
    const user = await this.deps.store.read((r) => r.users.get(id));
    if (user) {
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { user, expires: now + this.ttlMs });
    }
    return user;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
