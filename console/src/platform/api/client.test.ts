import { describe, expect, it } from 'vitest';
import { ApiError, unwrap } from './client';

const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('unwrap', () => {
  it('returns the data of a 2xx answer', () => {
    expect(unwrap({ data: { ok: 1 }, response: answer(200) })).toEqual({ ok: 1 });
  });

  it('throws ApiError with the code, the message and a Retry-After in seconds', () => {
    let caught: unknown;
    try {
      unwrap({ error: { error: 'Too many requests', code: 'RATE_LIMITED' }, response: answer(429, { 'retry-after': '42' }) });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect(caught).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'Too many requests', retryAfterSec: 42 });
    expect(() => unwrap({ error: { error: { code: 'X', message: 'm' } }, response: answer(400) })).toThrow(expect.objectContaining({ retryAfterSec: undefined, code: 'X' }));
  });
});
