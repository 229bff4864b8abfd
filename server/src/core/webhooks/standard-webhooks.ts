import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkTimestamp, missingHeader, type HeaderSource, type Verification } from './webhook-rejection';

/**
 * Standard Webhooks v1, symmetric scheme (standardwebhooks.com spec; used by OpenAI and Replicate):
 * headers `webhook-id`, `webhook-timestamp` (unix s) and `webhook-signature` (a space-separated
 * list of `v1,<base64>`, several during a secret rotation); the signature is
 * base64(HMAC-SHA256(key, `${id}.${timestamp}.${rawBody}`)) with the key base64-decoded from the
 * secret after `whsec_`.
 *
 * Written on node:crypto rather than the spec authors' `standardwebhooks` package, which does the
 * same checks (the 300 s window both ways, a constant-time compare) but reads `Date.now()` (the
 * platform's time is its Clock, which tests move) and decodes a Buffer body to a string before
 * signing (bytes that are not UTF-8 would no longer be the bytes the sender signed). The tests
 * check this against the package as a reference.
 */
export const STANDARD_WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Longest `webhook-id` accepted: it is stored as the delivery's id. */
const MAX_ID_LENGTH = 256;

/**
 * The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in the reference library).
 * Throws when the rest is not base64 of at least one byte.
 */
export function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error('A webhook secret is "whsec_" followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('The webhook secret is empty');
  return key;
}

/** `v1,<base64>`: the signature of one message (what a sender puts in `webhook-signature`). */
export function signStandardWebhook(key: Buffer, id: string, timestamp: number, body: Uint8Array): string {
  return `v1,${hmac(key, id, String(timestamp), body).toString('base64')}`;
}

/**
 * Verifies one delivery on its raw body: headers present, timestamp within the window of `nowMs`,
 * and one `v1` entry of the signature list matching (constant-time). Other versions (`v1a`, the
 * asymmetric scheme) are skipped, as the spec says.
 */
export function verifyStandardWebhook(input: { key: Buffer; headers: HeaderSource; body: Uint8Array; nowMs: number }): Verification {
  const { headers } = input;
  const missing = missingHeader(headers, STANDARD_WEBHOOK_HEADERS);
  if (missing) return { ok: false, ...missing };
  const id = headers.get('webhook-id')!;
  if (id.length > MAX_ID_LENGTH) return { ok: false, code: 'WEBHOOK_HEADER_INVALID', message: `webhook-id is longer than ${MAX_ID_LENGTH} characters` };
  const time = checkTimestamp(headers.get('webhook-timestamp')!, input.nowMs);
  if (!time.ok) return time;
  const expected = hmac(input.key, id, String(time.timestamp), input.body);
  for (const entry of headers.get('webhook-signature')!.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, deliveryId: id, timestamp: time.timestamp };
  }
  return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID', message: 'No webhook signature matches the body' };
}

function hmac(key: Buffer, id: string, timestamp: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}
