import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../../core/errors/app-error';

export interface TokenClaims {
  sub: string;
}

const ISSUER = 'mediaforge';
const AUDIENCE = 'mediaforge-api';

/** HS256 bearer tokens with the algorithm pinned and expiry, issuer and audience required. */
export class TokenService {
  private readonly key: Uint8Array;
  // Verified tokens, so a polling client costs one HMAC per token, not per request.
  private readonly verified = new Map<string, { sub: string; expMs: number }>();

  constructor(secret: string, private readonly ttlSec: number) {
    if (secret.length < 32) throw new Error('JWT secret must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async issue(userId: string, now = new Date()): Promise<string> {
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
    if (hit && hit.expMs > Date.now()) return { sub: hit.sub };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub', 'iat'],
      });
      if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { sub: payload.sub!, expMs: payload.exp! * 1000 });
      return { sub: payload.sub! };
    } catch (err) {
      const expired = err instanceof errors.JWTExpired;
      throw new AppError('unauthorized', 'AUTH_INVALID', expired ? 'Token expired; sign in again' : 'Invalid token', {}, undefined, { cause: err });
    }
  }
}
