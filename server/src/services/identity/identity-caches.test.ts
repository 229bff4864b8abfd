import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../deps';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { TokenService } from './tokens';
import { UserCache } from './user-cache';

/** A clock the test moves by hand: the caches' TTLs follow it, so no test sleeps. */
const manualClock = (start = Date.parse('2026-03-01T00:00:00Z')) => {
  let ms = start;
  const clock: Clock & { advance(by: number): void } = { now: () => new Date(ms), advance: (by) => void (ms += by) };
  return clock;
};

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

/** A store whose user reads are counted, over the test platform's real database. */
function countingStore() {
  const reads = { users: 0 };
  const store = t.deps.store;
  const counted = {
    ...store,
    read: <T>(fn: Parameters<typeof store.read<T>>[0]) =>
      store.read((r) => fn({ ...r, users: { ...r.users, get: (id: string) => (reads.users++, r.users.get(id)) } })),
  } as typeof store;
  return { store: counted, reads };
}

describe('the user cache', () => {
  it('reads a user once a TTL, concurrent reads sharing one query, and again after invalidate or the TTL', async () => {
    const { userId } = await t.signUp();
    const clock = manualClock();
    const { store, reads } = countingStore();
    const users = new UserCache({ store, clock }, { ttlMs: 1000 });
    const first = await Promise.all(Array.from({ length: 5 }, () => users.get(userId)));
    expect(first.every((u) => u?.id === userId)).toBe(true);
    expect(reads.users).toBe(1);
    clock.advance(1000);
    await users.get(userId);
    expect(reads.users).toBe(1);
    clock.advance(1);
    await users.get(userId);
    expect(reads.users).toBe(2);

    // A change made here is seen at once.
    await t.deps.store.tx((r) => r.users.update(userId, { plan: 'pro' }));
    expect((await users.get(userId))!.plan).toBe('free');
    users.invalidate(userId);
    expect((await users.get(userId))!.plan).toBe('pro');
  });

  it('drops a load that an invalidation overtook, and caches no unknown user', async () => {
    const { userId } = await t.signUp();
    const users = new UserCache({ store: t.deps.store, clock: manualClock() });
    const reading = users.get(userId);
    users.invalidate(userId);
    expect((await reading)?.id).toBe(userId);
    expect(users.size).toBe(0);
    expect(await users.get('usr_nobody')).toBeNull();
    expect(users.size).toBe(0);
  });

  it('keeps at most `max` users, the least recently used going first', async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, async () => (await t.signUp()).userId));
    const { store, reads } = countingStore();
    const users = new UserCache({ store, clock: manualClock() }, { max: 2 });
    for (const id of ids) await users.get(id);
    expect(users.size).toBe(2);
    await users.get(ids[2]!);
    expect(reads.users).toBe(3);
    await users.get(ids[0]!);
    expect(reads.users).toBe(4);
  });
});

describe('the token cache', () => {
  it('trusts a verified token until it expires, on the service clock', async () => {
    const clock = manualClock();
    const tokens = new TokenService('k'.repeat(40), 60, clock);
    const token = await tokens.issue('usr_1');
    expect(await tokens.verify(token)).toEqual({ sub: 'usr_1' });
    clock.advance(59_000);
    expect(await tokens.verify(token)).toEqual({ sub: 'usr_1' });
    clock.advance(1_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'AUTH_INVALID', message: 'Token expired; sign in again' });
  });

});
