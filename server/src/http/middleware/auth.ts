import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../core/errors/app-error';
import type { User } from '../../core/ports/store';
import type { Actor } from '../../services/jobs/actor';
import type { Platform } from '../platform';

export interface AuthVars {
  actor: Actor;
  user: User | null;
}

function bearer(header: string | undefined): string | null {
  // `Bearer <token>`, parsed by hand: it runs on every request.
  if (!header || header.length < 8 || header.slice(0, 6).toLowerCase() !== 'bearer' || !/\s/.test(header[6]!)) return null;
  const token = header.slice(7).trim();
  return token && !/\s/.test(token) ? token : null;
}

export function isAdminKey(platform: Platform, token: string): boolean {
  const key = platform.adminApiKey;
  if (!key) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Requires a user's bearer token; the actor and user come from it, never from the body. `signUp`
 * is the request that gives one, as the mount's contract names it (AUTH_REQUIRED says it).
 */
export const requireUser = (platform: Platform, signUp = 'POST /v1/auth/anon'): MiddlewareHandler => async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw new AppError('unauthorized', 'AUTH_REQUIRED', `Authorization: Bearer <token> is required; get one from ${signUp}`);
  const { sub } = await platform.tokens.verify(token);
  const user = await platform.users.get(sub);
  if (!user) throw new AppError('unauthorized', 'AUTH_INVALID', 'Unknown user; sign in again');
  c.set('user', user);
  c.set('actor', { userId: user.id, isAdmin: user.role === 'admin' } satisfies Actor);
  await next();
};

/**
 * Reads that anyone may make and an owner sees more of (a public gallery): the actor from a bearer
 * token when one is sent (a bad one is 401 as anywhere), none otherwise; read it with `viewerOf`.
 */
export const optionalUser = (platform: Platform): MiddlewareHandler => {
  const required = requireUser(platform);
  return async (c, next) => (c.req.header('authorization') ? required(c, next) : next());
};

/** The actor behind `optionalUser`: null for an anonymous request. */
export const viewerOf = (c: { get(key: 'actor'): Actor | undefined }): Actor | null => c.get('actor') ?? null;

/** Admin routes: the ADMIN_API_KEY, or a signed-in user whose role is admin. */
export const requireAdmin = (platform: Platform): MiddlewareHandler => async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw new AppError('unauthorized', 'AUTH_REQUIRED', 'Authorization: Bearer <ADMIN_API_KEY> is required');
  if (isAdminKey(platform, token)) {
    c.set('actor', { userId: 'admin', isAdmin: true } satisfies Actor);
    c.set('user', null);
    return next();
  }
  const { sub } = await platform.tokens.verify(token);
  const user = await platform.users.get(sub);
  if (user?.role !== 'admin') throw new AppError('forbidden', 'FORBIDDEN', 'Admin only');
  c.set('actor', { userId: user.id, isAdmin: true } satisfies Actor);
  c.set('user', user);
  await next();
};

/** Seed 000 sends `userId` in bodies; it is accepted only when it names the token's user. */
export function assertBodyUser(actor: Actor, bodyUserId: string | undefined): void {
  if (bodyUserId !== undefined && bodyUserId !== actor.userId && !actor.isAdmin) {
    throw new AppError('forbidden', 'FORBIDDEN', 'Forbidden: userId does not match the token');
  }
}
