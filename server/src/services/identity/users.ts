import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '../../core/errors/app-error';
import { hourWindow, secondsUntilNextHour } from '../../core/quotas/day-window';
import type { Plan, Role, User } from '../../core/ports/store';
import type { Deps } from '../deps';

export const newUserId = () => `usr_${randomUUID().replace(/-/g, '')}`;

/**
 * Creates an anonymous user with the sign-up grant. Sign-ups are counted per client address and
 * hour in the same transaction, so free credits cannot be farmed by looping the endpoint.
 */
export async function createAnonymousUser(deps: Deps, clientAddress: string): Promise<User> {
  const now = deps.clock.now();
  return deps.store.tx(async (repos) => {
    const window = hourWindow(now);
    const allowed = await repos.counters.incrementIfBelow({ scope: 'signup', subject: clientAddress, window }, 1, deps.settings.signupRateLimit);
    if (!allowed) {
      throw new AppError('rate_limited', 'RATE_LIMITED', 'Too many sign-ups from this address; try again later', {}, secondsUntilNextHour(now));
    }
    const user = await repos.users.insert({ id: newUserId(), plan: 'free', role: 'user' });
    const grant = deps.settings.signupCredits;
    if (grant > 0) {
      await repos.ledger.apply({ userId: user.id, kind: 'grant', amount: grant, jobId: null, itemIndex: null, idemKey: `signup:${user.id}`, reason: 'sign-up grant' });
    }
    return (await repos.users.get(user.id))!;
  });
}

export async function getUser(deps: Deps, id: string): Promise<User> {
  const user = await deps.store.read((r) => r.users.get(id));
  if (!user) throw new AppError('unauthorized', 'AUTH_INVALID', 'Unknown user; sign in again');
  return user;
}

export async function updateUser(deps: Deps, id: string, patch: { plan?: Plan; role?: Role }): Promise<User> {
  const user = await deps.store.tx((r) => r.users.update(id, patch));
  if (!user) throw notFound('USER_NOT_FOUND', 'User not found');
  return user;
}
