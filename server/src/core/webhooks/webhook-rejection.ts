/**
 * Why an inbound provider webhook was refused before anything changed. Every one is answered 401:
 * the sender cannot be trusted, whatever the reason.
 */
export type WebhookRejectionCode =
  | 'WEBHOOK_HEADERS_MISSING'
  | 'WEBHOOK_HEADER_INVALID'
  | 'WEBHOOK_TIMESTAMP_INVALID'
  | 'WEBHOOK_TIMESTAMP_STALE'
  | 'WEBHOOK_TIMESTAMP_FUTURE'
  | 'WEBHOOK_SIGNATURE_INVALID';

export interface WebhookRejection {
  code: WebhookRejectionCode;
  message: string;
}

/** A verified delivery: the id it is deduplicated by, and its signed time (unix seconds). */
export interface VerifiedDelivery {
  deliveryId: string;
  timestamp: number;
}

export type Verification = ({ ok: true } & VerifiedDelivery) | ({ ok: false } & WebhookRejection);

/** Anything with a case-insensitive `get`, as `Headers` has (Hono's `c.req.raw.headers`). */
export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * The replay window both ways, in seconds: Standard Webhooks' reference library rejects
 * `now - ts > 300` ("too old") and `ts > now + 300` ("too new"); fal's documentation asks for
 * `|now - ts| <= 300` too.
 */
export const WEBHOOK_TOLERANCE_SEC = 5 * 60;

/**
 * Reads a unix-seconds timestamp header and checks it is within WEBHOOK_TOLERANCE_SEC of `nowMs`,
 * either way. Only digits are accepted (parseInt would take `1614265330abc`).
 */
export function checkTimestamp(value: string, nowMs: number): { ok: true; timestamp: number } | ({ ok: false } & WebhookRejection) {
  if (!/^\d{1,12}$/.test(value)) {
    return { ok: false, code: 'WEBHOOK_TIMESTAMP_INVALID', message: 'The webhook timestamp is not a unix time in seconds' };
  }
  const timestamp = Number(value);
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > WEBHOOK_TOLERANCE_SEC) {
    return { ok: false, code: 'WEBHOOK_TIMESTAMP_STALE', message: `The webhook timestamp is more than ${WEBHOOK_TOLERANCE_SEC} s old` };
  }
  if (timestamp - now > WEBHOOK_TOLERANCE_SEC) {
    return { ok: false, code: 'WEBHOOK_TIMESTAMP_FUTURE', message: `The webhook timestamp is more than ${WEBHOOK_TOLERANCE_SEC} s ahead` };
  }
  return { ok: true, timestamp };
}

/** The first of `names` missing (or empty) in `headers`, or null when all are present. */
export function missingHeader(headers: HeaderSource, names: readonly string[]): WebhookRejection | null {
  const missing = names.filter((n) => !headers.get(n));
  return missing.length ? { code: 'WEBHOOK_HEADERS_MISSING', message: `Missing webhook header(s): ${missing.join(', ')}` } : null;
}
