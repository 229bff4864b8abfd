import { createHmac, timingSafeEqual } from 'node:crypto';

export type SigningSecret = string | Buffer;

/**
 * HMAC-SHA256 over the fields that make a signed URL; any change to one of them breaks it.
 * The fields are JSON-encoded so no value can shift into its neighbour.
 */
export function signFields(secret: SigningSecret, fields: (string | number)[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(fields)).digest('base64url');
}

export function verifyFields(secret: SigningSecret, fields: (string | number)[], sig: string): boolean {
  const expected = Buffer.from(signFields(secret, fields));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
