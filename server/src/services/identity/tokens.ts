import { SignJWT, jwtVerify, errors } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../core/errors/app-error';
import { clockPerf } from '../cache/read-through';
import type { Clock } from '../../core/ports/clock';

export interface TokenClaims {
  sub: string;
}

const ISSUER = 'mediaforge';
const AUDIENCE = 'mediaforge-api';

/** HS256 bearer tokens with the algorithm pinned and expiry, issuer and audience required. */
export class TokenService {
  private readonly key: Uint8Array;
  /** Verified tokens' subjects until the token expires, so a polling client costs one HMAC per token, not per request. */
  private readonly verified: LRUCache<string, string>;

  /** `clock`: the time tokens are issued and checked at (and cached by). */
  constructor(secret: string, private readonly ttlSec: number, private readonly clock: Clock) {
    if (secret.length < 32) throw new Error('JWT secret must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
    this.verified = new LRUCache<string, string>({ max: 10_000, ttlResolution: 0, perf: clockPerf(clock) });
  }

  async issue(userId: string, now = this.clock.now()): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSec)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims> {
    const hit = this.verified.get(token);
    if (hit !== undefined) return { sub: hit };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub', 'iat'],
        currentDate: this.clock.now(),
      });
      // lru-cache drops an entry once older than its ttl; the token is expired at `exp` itself.
      const ttl = payload.exp! * 1000 - this.clock.now().getTime() - 1;
      if (ttl > 0) this.verified.set(token, payload.sub!, { ttl });
      return { sub: payload.sub! };
    } catch (err) {
      const expired = err instanceof errors.JWTExpired;
      throw new AppError('unauthorized', 'AUTH_INVALID', expired ? 'Token expired; sign in again' : 'Invalid token', {}, undefined, { cause: err });
    }
  }
}
