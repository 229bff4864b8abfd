import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519KeysOf, falSignedMessage, readFalHeaders, verifyFalSignature } from './fal-webhooks';

const pair = () => generateKeyPairSync('ed25519');
const jwkOf = (k: ReturnType<typeof pair>) => k.publicKey.export({ format: 'jwk' });

const NOW = 1_800_000_000;
const BODY = Buffer.from(JSON.stringify({ request_id: 'req-1', gateway_request_id: 'req-1', status: 'OK', payload: { images: [] } }));

function signed(signer: ReturnType<typeof pair>, over: Record<string, string> = {}, body: Buffer = BODY, ts = NOW) {
  const message = falSignedMessage({ requestId: 'req-1', userId: 'user-1', timestamp: ts }, body);
  return new Headers({
    'X-Fal-Webhook-Request-Id': 'req-1',
    'X-Fal-Webhook-User-Id': 'user-1',
    'X-Fal-Webhook-Timestamp': String(ts),
    'X-Fal-Webhook-Signature': sign(null, message, signer.privateKey).toString('hex'),
    ...over,
  });
}

function check(headers: Headers, keys: ReturnType<typeof ed25519KeysOf>, body: Buffer = BODY, nowSec = NOW) {
  const h = readFalHeaders(headers, nowSec * 1000);
  return h.ok ? verifyFalSignature(h, body, keys) : h;
}

describe('fal webhook verification', () => {
  const fal = pair();
  const other = pair();
  const keys = ed25519KeysOf({ keys: [jwkOf(other), jwkOf(fal)] });

  it('signs request id, user id, timestamp and the body\'s sha256 hex, one per line', () => {
    expect(falSignedMessage({ requestId: 'r', userId: 'u', timestamp: 12 }, Buffer.from('abc')).toString())
      .toBe('r\nu\n12\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('verifies against any key of the set; the delivery id is the request id and timestamp', () => {
    expect(check(signed(fal), keys)).toEqual({ ok: true, deliveryId: `req-1:${NOW}`, timestamp: NOW });
  });

  it('refuses a signature no key verifies, a changed body or header', () => {
    expect(check(signed(pair()), keys)).toMatchObject({ ok: false, code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(check(signed(fal), keys, Buffer.from(BODY.toString().replace('OK', 'ER')))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(check(signed(fal, { 'X-Fal-Webhook-User-Id': 'user-2' }), keys)).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(check(signed(fal, { 'X-Fal-Webhook-Signature': 'ab'.repeat(64) }), keys)).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses missing headers, a signature that is not hex, and timestamps past 300 s', () => {
    const h = signed(fal);
    h.delete('X-Fal-Webhook-User-Id');
    expect(check(h, keys)).toMatchObject({ code: 'WEBHOOK_HEADERS_MISSING', message: expect.stringContaining('x-fal-webhook-user-id') });
    expect(check(signed(fal, { 'X-Fal-Webhook-Signature': 'zz' }), keys)).toMatchObject({ code: 'WEBHOOK_HEADER_INVALID' });
    expect(check(signed(fal), keys, BODY, NOW + 300).ok).toBe(true);
    expect(check(signed(fal), keys, BODY, NOW + 301)).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_STALE' });
    expect(check(signed(fal), keys, BODY, NOW - 301)).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_FUTURE' });
  });

  it('reads the Ed25519 keys of a JWKS, skipping others, and says what is wrong with a bad one', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(ed25519KeysOf({ keys: [rsa, { ...jwkOf(fal), kid: 'k1', use: 'sig' }] })).toHaveLength(1);
    expect(() => ed25519KeysOf({ keys: [rsa] })).toThrow(/no Ed25519/);
    expect(() => ed25519KeysOf([jwkOf(fal)])).toThrow(/"keys" array/);
    expect(() => ed25519KeysOf({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }] })).toThrow(/not a valid Ed25519 public key/);
  });
});
