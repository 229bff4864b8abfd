import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { checkTimestamp, missingHeader, type HeaderSource, type Verification, type WebhookRejection } from './webhook-rejection';

/**
 * fal's webhook signatures (docs.fal.ai "Webhooks", verification section): Ed25519 over
 * `request_id + "\n" + user_id + "\n" + timestamp + "\n" + hex(sha256(rawBody))` (UTF-8), the
 * signature hex-encoded in `X-Fal-Webhook-Signature`, checked against any key of fal's published
 * JWKS (`https://rest.fal.ai/.well-known/jwks.json`, OKP/Ed25519 keys, `x` base64url), the
 * timestamp within 300 s either way. The signature names no key, so "unknown key" and "forged"
 * look the same: no key of the set verifies it.
 */
export const FAL_WEBHOOK_HEADERS = [
  'x-fal-webhook-request-id',
  'x-fal-webhook-user-id',
  'x-fal-webhook-timestamp',
  'x-fal-webhook-signature',
] as const;

/** One public key of a JWKS as fal publishes them (other members, `kid`, `use`..., are kept). */
export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  [member: string]: unknown;
}

/** What the headers say, once present and in the window: the signature is still to be checked. */
export interface FalSignedHeaders {
  requestId: string;
  userId: string;
  timestamp: number;
  signature: Buffer;
}

const MAX_ID_LENGTH = 256;

/** The headers of a fal delivery, or why it is refused before any key is looked at. */
export function readFalHeaders(headers: HeaderSource, nowMs: number): ({ ok: true } & FalSignedHeaders) | ({ ok: false } & WebhookRejection) {
  const missing = missingHeader(headers, FAL_WEBHOOK_HEADERS);
  if (missing) return { ok: false, ...missing };
  const [requestId, userId, timestampHeader, signatureHex] = FAL_WEBHOOK_HEADERS.map((n) => headers.get(n)!);
  if (requestId!.length > MAX_ID_LENGTH || userId!.length > MAX_ID_LENGTH) {
    return { ok: false, code: 'WEBHOOK_HEADER_INVALID', message: `A fal webhook id header is longer than ${MAX_ID_LENGTH} characters` };
  }
  // An Ed25519 signature is 64 bytes.
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex!)) {
    return { ok: false, code: 'WEBHOOK_HEADER_INVALID', message: 'X-Fal-Webhook-Signature is not a hex Ed25519 signature' };
  }
  const time = checkTimestamp(timestampHeader!, nowMs);
  if (!time.ok) return time;
  return { ok: true, requestId: requestId!, userId: userId!, timestamp: time.timestamp, signature: Buffer.from(signatureHex!, 'hex') };
}

/** The bytes fal signs for one delivery. */
export function falSignedMessage(h: Pick<FalSignedHeaders, 'requestId' | 'userId' | 'timestamp'>, body: Uint8Array): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`${h.requestId}\n${h.userId}\n${h.timestamp}\n${digest}`, 'utf8');
}

/**
 * Checks the signature against each key: verified (deduplicated by request id and timestamp: a
 * replay of the same message carries both), or WEBHOOK_SIGNATURE_INVALID when no key verifies it.
 */
export function verifyFalSignature(h: FalSignedHeaders, body: Uint8Array, keys: readonly KeyObject[]): Verification {
  const message = falSignedMessage(h, body);
  for (const key of keys) {
    if (verify(null, message, key, h.signature)) return { ok: true, deliveryId: `${h.requestId}:${h.timestamp}`, timestamp: h.timestamp };
  }
  return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID', message: 'No fal webhook key verifies the signature' };
}

/**
 * The Ed25519 public keys of a JWKS document (`{keys: [...]}`); keys of other types are skipped.
 * Throws, saying what is wrong, when the document is not a key set or holds no usable Ed25519 key.
 */
export function ed25519KeysOf(jwks: unknown): KeyObject[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('A JWKS is a JSON object with a "keys" array');
  const out: KeyObject[] = [];
  for (const jwk of keys) {
    if (!isEd25519Jwk(jwk)) continue;
    try {
      out.push(createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' }));
    } catch (err) {
      throw new Error(`A key of the JWKS is not a valid Ed25519 public key: ${(err as Error).message}`);
    }
  }
  if (out.length === 0) throw new Error('The JWKS holds no Ed25519 (kty "OKP", crv "Ed25519") key');
  return out;
}

function isEd25519Jwk(v: unknown): v is Ed25519Jwk {
  const k = v as Partial<Ed25519Jwk> | null;
  return typeof k === 'object' && k !== null && k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string';
}
