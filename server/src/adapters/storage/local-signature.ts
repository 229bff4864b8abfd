import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 over the fields that make a signed URL; any change to one of them breaks it. */
export function sign(secret: string, fields: (string | number)[]): string {
  return createHmac('sha256', secret).update(fields.join('\n')).digest('base64url');
}

export function verify(secret: string, fields: (string | number)[], sig: string): boolean {
  const expected = Buffer.from(sign(secret, fields));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
