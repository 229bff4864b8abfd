import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook, standardWebhookKey, verifyStandardWebhook } from './standard-webhooks';

// The spec's test vector (standard-webhooks libraries/go/webhook_test.go).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = Buffer.from('{"test": 2432232314}');
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const key = standardWebhookKey(SECRET);
const headers = (h: Record<string, string>) => new Headers(h);
const vectorHeaders = (over: Record<string, string> = {}) =>
  headers({ 'webhook-id': ID, 'webhook-timestamp': String(TS), 'webhook-signature': SIGNATURE, ...over });
const verifyAt = (nowSec: number, h = vectorHeaders(), body: Uint8Array = BODY) => verifyStandardWebhook({ key, headers: h, body, nowMs: nowSec * 1000 });

describe('Standard Webhooks verification', () => {
  it('signs and verifies the spec\'s test vector', () => {
    expect(signStandardWebhook(key, ID, TS, BODY)).toBe(SIGNATURE);
    expect(verifyAt(TS)).toEqual({ ok: true, deliveryId: ID, timestamp: TS });
  });

  it('agrees with the spec authors\' library (standardwebhooks) on random messages', () => {
    for (let i = 0; i < 20; i++) {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const body = JSON.stringify({ n: i, s: randomBytes(8).toString('hex') });
      const at = new Date((TS + i) * 1000);
      expect(signStandardWebhook(standardWebhookKey(secret), `msg_${i}`, TS + i, Buffer.from(body))).toBe(new Webhook(secret).sign(`msg_${i}`, at, body));
    }
  });

  it('accepts 300 s either way and refuses 301 s', () => {
    expect(verifyAt(TS + 300).ok).toBe(true);
    expect(verifyAt(TS - 300).ok).toBe(true);
    expect(verifyAt(TS + 301)).toMatchObject({ ok: false, code: 'WEBHOOK_TIMESTAMP_STALE' });
    expect(verifyAt(TS - 301)).toMatchObject({ ok: false, code: 'WEBHOOK_TIMESTAMP_FUTURE' });
  });

  it('accepts any v1 entry of a rotation list, and skips other versions', () => {
    const other = signStandardWebhook(randomBytes(32), ID, TS, BODY);
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': `v1a,${SIGNATURE.slice(3)} ${other} ${SIGNATURE}` })).ok).toBe(true);
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': `v1a,${SIGNATURE.slice(3)} v2,${SIGNATURE.slice(3)}` }))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses a forged signature, another secret, a changed body, id or timestamp', () => {
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` }))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(verifyStandardWebhook({ key: randomBytes(24), headers: vectorHeaders(), body: BODY, nowMs: TS * 1000 })).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(verifyAt(TS, vectorHeaders(), Buffer.from('{"test": 2432232315}'))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(verifyAt(TS, vectorHeaders({ 'webhook-id': 'msg_other' }))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(verifyAt(TS, vectorHeaders({ 'webhook-timestamp': String(TS + 1) }))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    // A truncated signature is not compared as a prefix.
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': SIGNATURE.slice(0, 20) }))).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses missing headers and a timestamp that is not unix seconds', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const h = vectorHeaders();
      h.delete(name);
      expect(verifyAt(TS, h)).toMatchObject({ ok: false, code: 'WEBHOOK_HEADERS_MISSING', message: expect.stringContaining(name) });
    }
    expect(verifyAt(TS, vectorHeaders({ 'webhook-timestamp': `${TS}abc` }))).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_INVALID' });
    expect(verifyAt(TS, vectorHeaders({ 'webhook-timestamp': '2021-02-26T03:02:10Z' }))).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_INVALID' });
  });

  it('signs the raw bytes, not a decoded string', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not UTF-8
    const signature = signStandardWebhook(key, ID, TS, bytes);
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': signature }), bytes).ok).toBe(true);
    expect(verifyAt(TS, vectorHeaders({ 'webhook-signature': signature }), Buffer.from(bytes.toString('utf8'))).ok).toBe(false);
  });

  it('reads a whsec_ secret and refuses one that is not base64', () => {
    expect(standardWebhookKey(SECRET)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    expect(() => standardWebhookKey('whsec_not base64!')).toThrow(/base64/);
    expect(() => standardWebhookKey('whsec_')).toThrow();
  });
});
