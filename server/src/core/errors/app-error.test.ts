import { describe, expect, it } from 'vitest';
import { TokenService } from '../../services/identity/tokens';
import { AppError } from './app-error';

describe('AppError', () => {
  it('keeps the error it wraps as its cause', () => {
    const inner = new Error('connection reset');
    const err = new AppError('unavailable', 'STORAGE_DOWN', 'Storage is unavailable', {}, undefined, { cause: inner });
    expect(err.cause).toBe(inner);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'STORAGE_DOWN', message: 'Storage is unavailable', details: {} });
    expect(new AppError('invalid', 'X', 'no cause').cause).toBeUndefined();
  });

  it("a refused token's 401 carries the verifier's error", async () => {
    const tokens = new TokenService('s'.repeat(40), 60, { now: () => new Date() });
    const err = await tokens.verify('not.a.jwt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'AUTH_INVALID', message: 'Invalid token' });
    expect((err as AppError).cause).toBeInstanceOf(Error);
  });
});
