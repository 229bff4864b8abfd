import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { falJwksFromUrl, fixedJwks } from '../../../adapters/providers/fal/fal-jwks';
import type { Clock } from '../../../core/ports/clock';
import type { Job, Json } from '../../../core/ports/store';
import { falSignedMessage } from '../../../core/webhooks/fal-webhooks';
import { signStandardWebhook, standardWebhookKey } from '../../../core/webhooks/standard-webhooks';
import type { PipelineDef } from '../../../engine/pipeline';
import { submitJob } from '../../../services/jobs/submit-job';
import { resumeWait } from '../../../services/jobs/waits';
import { FalWebhookKeys } from '../../../services/providers/fal-webhook-keys';
import { cachedSecret, fixedSecret, type FindProviderCall, type ProviderWebhooks } from '../../../services/providers/provider-webhooks';
import { startContractServer, type ContractServer } from '../../../testing/contract-server';
import { createTestPlatform, type TestPlatform } from '../../../testing/test-platform';
import { createApp } from '../../app';

/**
 * The webhook routes through the real app: a job waits on a step for a provider's predictions,
 * and signed deliveries (Standard Webhooks for OpenAI and Replicate, Ed25519 for fal) resume it.
 */

/** Every event each job's step was resumed with, in order. */
const resumes = new Map<string, Json[]>();

const pipelines: PipelineDef[] = [{
  // Waits until it has been resumed for each prediction in `input.waitFor` (no poll: only a webhook resumes it).
  id: 't.webhooked', app: 'test', input: z.looseObject({}),
  steps: [{
    name: 'render', weight: 1, output: z.json(),
    run: async (ctx) => {
      const got = resumes.get(ctx.job.id) ?? [];
      resumes.set(ctx.job.id, got);
      if (ctx.event !== undefined) got.push(ctx.event);
      const waitFor = (ctx.job.input as { waitFor: string[] }).waitFor;
      const seen = got.map((e) => (e as { prediction?: string }).prediction);
      return waitFor.every((p) => seen.includes(p)) ? { output: got } : { wait: { reason: 'provider render', timeoutMs: 60_000 } };
    },
  }],
  result: ({ outputs }) => outputs.render ?? null,
}];

const OPENAI_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const REPLICATE_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const falKey = generateKeyPairSync('ed25519');
type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };
const publicJwk = (k: KeyPair) => k.publicKey.export({ format: 'jwk' });

/** The provider calls the step made, by `provider:external id` (the lead wires providerCalls.findByExternalId). */
const calls = new Map<string, { jobId: string; step: string }>();
const findCall: FindProviderCall = async (provider, id) => calls.get(`${provider}:${id}`) ?? null;

let t: TestPlatform;
let userId: string;
let app: ReturnType<typeof createApp>;
let replicateFetches = 0;

beforeAll(async () => {
  t = await createTestPlatform({ pipelines: (r) => pipelines.forEach((p) => r.register(p)) });
  ({ userId } = await t.signUp());
  app = appWith({
    openaiSecret: fixedSecret(OPENAI_SECRET),
    // As when REPLICATE_WEBHOOK_SECRET is unset: fetched from Replicate once, then cached.
    replicateSecret: cachedSecret(async () => {
      replicateFetches++;
      return REPLICATE_SECRET;
    }, t.deps.clock),
    falKeys: new FalWebhookKeys(fixedJwks({ keys: [publicJwk(falKey)] }), t.deps.clock),
    findCall,
  });
}, 120_000);
afterAll(async () => {
  await t?.dispose();
});

/** The real app over the test platform, with these webhook settings (the composition's part). */
const appWith = (webhooks: ProviderWebhooks | undefined) => createApp({ ...t.platform, webhooks });

const nowSec = (clock: Clock = t.deps.clock) => Math.floor(clock.now().getTime() / 1000);

function standardHeaders(secret: string, body: string, opts: { id?: string; ts?: number } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const ts = opts.ts ?? nowSec();
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(standardWebhookKey(secret), id, ts, Buffer.from(body)) };
}

function falHeaders(signer: KeyPair, body: string, opts: { requestId: string; ts?: number }): Record<string, string> {
  const ts = opts.ts ?? nowSec();
  const message = falSignedMessage({ requestId: opts.requestId, userId: 'fal-user-1', timestamp: ts }, Buffer.from(body));
  return {
    'x-fal-webhook-request-id': opts.requestId,
    'x-fal-webhook-user-id': 'fal-user-1',
    'x-fal-webhook-timestamp': String(ts),
    'x-fal-webhook-signature': sign(null, message, signer.privateKey).toString('hex'),
  };
}

async function post(path: string, body: string, headers: Record<string, string>, via = app) {
  const res = await via.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: await res.json() as any };
}

const openaiEvent = (videoId: string) => JSON.stringify({ id: `evt_${randomBytes(6).toString('hex')}`, object: 'event', type: 'video.completed', created_at: nowSec(), data: { id: videoId } });
const replicatePrediction = (id: string, status = 'succeeded') => JSON.stringify({ id, model: 'owner/model', status, output: ['https://replicate.delivery/x.png'], error: null, logs: '' });
const falResult = (requestId: string, status = 'OK') => JSON.stringify({ request_id: requestId, gateway_request_id: requestId, status, payload: { images: [] } });

/** A job whose step waits for these predictions of `provider` (ids made unique per call). */
async function waitingJob(provider: string, ...names: string[]): Promise<{ job: Job; ids: string[] }> {
  const ids = names.map((n) => `${n}-${randomBytes(4).toString('hex')}`);
  const submitted = await submitJob(t.deps, { userId, app: 'test', pipeline: 't.webhooked', input: { waitFor: ids } });
  for (const id of ids) calls.set(`${provider}:${id}`, { jobId: submitted.id, step: 'render' });
  return { job: await t.waitForJob(submitted.id, ['waiting']), ids };
}

const jobOf = async (id: string) => (await t.deps.store.read((r) => r.jobs.get(id)))!;
const resumedWith = (jobId: string) => (resumes.get(jobId) ?? []).map((e) => (e as { prediction: string }).prediction);

/** Whether the delivery was recorded, without recording it (the probe's transaction is rolled back). */
async function recorded(provider: string, deliveryId: string): Promise<boolean> {
  const probe = new Error('roll back');
  let fresh = false;
  await t.deps.store.tx(async (r) => {
    fresh = await r.webhooks.remember(provider, deliveryId);
    throw probe;
  }).catch((err: unknown) => {
    if (err !== probe) throw err;
  });
  return !fresh;
}

/** Nothing changed: still waiting, never resumed, the delivery not recorded. */
async function unchanged(job: Job, provider: string, deliveryId?: string) {
  // Give a wrongly accepted delivery the time to run the step.
  await new Promise((r) => setTimeout(r, 50));
  const now = await jobOf(job.id);
  expect(now.status).toBe('waiting');
  expect(now.run).toBe(job.run);
  expect(resumedWith(job.id)).toEqual([]);
  if (deliveryId) expect(await recorded(provider, deliveryId)).toBe(false);
}

describe('OpenAI webhooks (Standard Webhooks)', () => {
  it('a signed event resumes the step waiting for its video, and the job completes', async () => {
    const { job, ids: [video] } = await waitingJob('openai', 'video');
    const body = openaiEvent(video!);
    const headers = standardHeaders(OPENAI_SECRET, body);
    expect(await post('/webhooks/openai', body, headers)).toEqual({ status: 200, body: { received: true } });
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual([{ webhook: 'openai', prediction: video }]);
    expect(await recorded('openai', headers['webhook-id']!)).toBe(true);
  });

  it('/webhooks/sora2 is the same route', async () => {
    const { job, ids: [video] } = await waitingJob('openai', 'sora');
    const body = openaiEvent(video!);
    expect((await post('/webhooks/sora2', body, standardHeaders(OPENAI_SECRET, body))).status).toBe(200);
    expect((await t.waitForJob(job.id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('refuses forged, wrongly keyed, unsigned, stale, future and altered deliveries with 401, changing nothing', async () => {
    const { job, ids: [video] } = await waitingJob('openai', 'attacked');
    const body = openaiEvent(video!);
    const good = standardHeaders(OPENAI_SECRET, body);
    const cases: [string, Record<string, string>, string, string][] = [
      ['forged signature', { ...good, 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` }, body, 'WEBHOOK_SIGNATURE_INVALID'],
      ['another secret', standardHeaders(`whsec_${randomBytes(32).toString('base64')}`, body), body, 'WEBHOOK_SIGNATURE_INVALID'],
      ['Replicate\'s secret', standardHeaders(REPLICATE_SECRET, body), body, 'WEBHOOK_SIGNATURE_INVALID'],
      ['body altered after signing', good, body.replace('video.completed', 'video.failed'), 'WEBHOOK_SIGNATURE_INVALID'],
      ['6 minutes old', standardHeaders(OPENAI_SECRET, body, { ts: nowSec() - 360 }), body, 'WEBHOOK_TIMESTAMP_STALE'],
      ['6 minutes ahead', standardHeaders(OPENAI_SECRET, body, { ts: nowSec() + 360 }), body, 'WEBHOOK_TIMESTAMP_FUTURE'],
      ['timestamp changed after signing', { ...good, 'webhook-timestamp': String(Number(good['webhook-timestamp']) - 1) }, body, 'WEBHOOK_SIGNATURE_INVALID'],
      ['no signature', { 'webhook-id': good['webhook-id']!, 'webhook-timestamp': good['webhook-timestamp']! }, body, 'WEBHOOK_HEADERS_MISSING'],
      ['no id', { 'webhook-timestamp': good['webhook-timestamp']!, 'webhook-signature': good['webhook-signature']! }, body, 'WEBHOOK_HEADERS_MISSING'],
      ['no timestamp', { 'webhook-id': good['webhook-id']!, 'webhook-signature': good['webhook-signature']! }, body, 'WEBHOOK_HEADERS_MISSING'],
      ['no headers at all', {}, body, 'WEBHOOK_HEADERS_MISSING'],
    ];
    for (const [what, headers, sent, code] of cases) {
      const res = await post('/webhooks/openai', sent, headers);
      expect(res.status, what).toBe(401);
      expect(res.body, what).toEqual({ error: { code, message: expect.any(String) } });
      await unchanged(job, 'openai', headers['webhook-id']);
    }
    // The genuine delivery still works afterwards.
    expect((await post('/webhooks/openai', body, good)).status).toBe(200);
    expect((await t.waitForJob(job.id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('answers a delivery for a prediction we do not know 200, changing nothing', async () => {
    const { job } = await waitingJob('openai', 'other');
    const body = openaiEvent('video_not_ours');
    expect(await post('/webhooks/openai', body, standardHeaders(OPENAI_SECRET, body))).toEqual({ status: 200, body: { received: true } });
    await unchanged(job, 'openai');
  });
});

describe('deduplication', () => {
  it('settles the same delivery once: a replay is refused 401 and does not resume the step\'s next wait', async () => {
    // The step waits for two predictions: after the first resumes it, it waits again.
    const { job, ids: [a, b] } = await waitingJob('openai', 'a', 'b');
    const bodyA = openaiEvent(a!);
    const headersA = standardHeaders(OPENAI_SECRET, bodyA);
    expect((await post('/webhooks/openai', bodyA, headersA)).status).toBe(200);
    await until('the step waits again for b', async () => resumedWith(job.id).length === 1 && (await jobOf(job.id)).status === 'waiting');
    const before = await jobOf(job.id);
    // The provider's retry of the same delivery (same id; a fresh signature, as on a real retry).
    const retried = await post('/webhooks/openai', bodyA, standardHeaders(OPENAI_SECRET, bodyA, { id: headersA['webhook-id'] }));
    expect([retried.status, retried.body.error?.code]).toEqual([401, 'WEBHOOK_REPLAYED']);
    const again = await post('/webhooks/openai', bodyA, headersA);
    expect([again.status, again.body.error?.code]).toEqual([401, 'WEBHOOK_REPLAYED']);
    await new Promise((r) => setTimeout(r, 50));
    expect((await jobOf(job.id)).run).toBe(before.run);
    expect(resumedWith(job.id)).toEqual([a]);
    const bodyB = openaiEvent(b!);
    expect((await post('/webhooks/openai', bodyB, standardHeaders(OPENAI_SECRET, bodyB))).status).toBe(200);
    const done = await t.waitForJob(job.id, ['completed', 'failed']);
    expect(resumedWith(job.id)).toEqual([a, b]);
    expect(done.status).toBe('completed');
  });

  it('settles once when the same delivery arrives twice at the same moment', async () => {
    const { job, ids: [video] } = await waitingJob('openai', 'twice');
    const body = openaiEvent(video!);
    const headers = standardHeaders(OPENAI_SECRET, body);
    const answers = await Promise.all([post('/webhooks/openai', body, headers), post('/webhooks/openai', body, headers)]);
    // One is taken, the other is its replay.
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    await t.waitForJob(job.id, ['completed']);
    expect(resumedWith(job.id)).toEqual([video]);
  });

  it('a webhook and a poll racing for the same wait resume it once', async () => {
    const { job, ids: [video] } = await waitingJob('openai', 'race');
    const body = openaiEvent(video!);
    const [hook, poll] = await Promise.all([
      post('/webhooks/openai', body, standardHeaders(OPENAI_SECRET, body)),
      // What the reconciler's poll does when it finds the prediction settled.
      resumeWait(t.deps, job.id, { step: 'render' }, { poll: true, prediction: video! }),
    ]);
    expect(hook.status).toBe(200);
    await t.waitForJob(job.id, ['completed']);
    expect(resumedWith(job.id)).toHaveLength(1);
    expect(resumes.get(job.id)![0]).toEqual(poll.resumed ? { poll: true, prediction: video } : { webhook: 'openai', prediction: video });
  });
});

describe('Replicate webhooks', () => {
  it('resumes on a settled prediction, ignores one still running, and fetches the secret once', async () => {
    const { job, ids: [prediction] } = await waitingJob('replicate', 'pred');
    const running = replicatePrediction(prediction!, 'processing');
    expect(await post('/webhooks/replicate', running, standardHeaders(REPLICATE_SECRET, running))).toEqual({ status: 200, body: { received: true } });
    await unchanged(job, 'replicate');
    const settled = replicatePrediction(prediction!, 'failed');
    expect((await post('/webhooks/replicate', settled, standardHeaders(REPLICATE_SECRET, settled))).status).toBe(200);
    expect((await t.waitForJob(job.id, ['completed', 'failed'])).result).toEqual([{ webhook: 'replicate', prediction }]);
    expect(replicateFetches).toBe(1);
  });

  it('refuses a delivery signed with the OpenAI secret or altered after signing', async () => {
    const { job, ids: [prediction] } = await waitingJob('replicate', 'pred');
    const body = replicatePrediction(prediction!);
    expect((await post('/webhooks/replicate', body, standardHeaders(OPENAI_SECRET, body))).status).toBe(401);
    const headers = standardHeaders(REPLICATE_SECRET, body);
    expect((await post('/webhooks/replicate', body.replace('succeeded', 'canceled'), headers)).status).toBe(401);
    await unchanged(job, 'replicate', headers['webhook-id']);
  });

  it('answers 503 when the secret cannot be fetched (Replicate retries), and 404 for a provider not configured', async () => {
    const failing = appWith({ replicateSecret: cachedSecret(async () => { throw new Error('replicate answered 500'); }, t.deps.clock), findCall });
    const body = replicatePrediction('p1');
    expect((await post('/webhooks/replicate', body, standardHeaders(REPLICATE_SECRET, body), failing)).body.error.code).toBe('WEBHOOK_KEYS_UNAVAILABLE');
    const res = await post('/webhooks/openai', body, standardHeaders(OPENAI_SECRET, body), failing);
    expect(res).toEqual({ status: 404, body: { error: { code: 'WEBHOOK_NOT_CONFIGURED', message: expect.stringContaining('OPENAI_WEBHOOK_SECRET') } } });
    expect((await post('/webhooks/fal', body, {}, appWith(undefined))).status).toBe(404);
  });
});

describe('fal webhooks (Ed25519)', () => {
  it('a result signed with a key of FAL_WEBHOOK_JWKS resumes the step', async () => {
    const { job, ids: [request] } = await waitingJob('fal', 'req');
    const body = falResult(request!, 'ERROR');
    expect(await post('/webhooks/fal', body, falHeaders(falKey, body, { requestId: request! }))).toEqual({ status: 200, body: { received: true } });
    expect((await t.waitForJob(job.id, ['completed', 'failed'])).result).toEqual([{ webhook: 'fal', prediction: request }]);
  });

  it('refuses another key, an altered body, missing headers and a stale or future timestamp; a replay changes nothing', async () => {
    const { job, ids: [request] } = await waitingJob('fal', 'req');
    const body = falResult(request!);
    const good = falHeaders(falKey, body, { requestId: request! });
    const missing = { ...good };
    delete missing['x-fal-webhook-signature'];
    const cases: [string, Record<string, string>, string, string][] = [
      ['another key', falHeaders(generateKeyPairSync('ed25519'), body, { requestId: request! }), body, 'WEBHOOK_SIGNATURE_INVALID'],
      ['body altered after signing', good, body.replace('"OK"', '"ERROR"'), 'WEBHOOK_SIGNATURE_INVALID'],
      ['no signature', missing, body, 'WEBHOOK_HEADERS_MISSING'],
      ['6 minutes old', falHeaders(falKey, body, { requestId: request!, ts: nowSec() - 360 }), body, 'WEBHOOK_TIMESTAMP_STALE'],
      ['6 minutes ahead', falHeaders(falKey, body, { requestId: request!, ts: nowSec() + 360 }), body, 'WEBHOOK_TIMESTAMP_FUTURE'],
    ];
    for (const [what, headers, sent, code] of cases) {
      const res = await post('/webhooks/fal', sent, headers);
      expect([res.status, res.body.error?.code], what).toEqual([401, code]);
      await unchanged(job, 'fal');
    }
    expect((await post('/webhooks/fal', body, good)).status).toBe(200);
    await t.waitForJob(job.id, ['completed']);
    const replay = await post('/webhooks/fal', body, good);
    expect([replay.status, replay.body.error?.code]).toEqual([401, 'WEBHOOK_REPLAYED']);
    expect(resumedWith(job.id)).toEqual([request]);
    expect(await recorded('fal', `${request}:${good['x-fal-webhook-timestamp']}`)).toBe(true);
  });

  describe('with fal\'s published key set (a contract server for the JWKS URL)', () => {
    let jwks: ContractServer;
    let published: ReturnType<typeof publicJwk>[] = [];
    let skewMs = 0;
    // The keys' clock, moved by the test past the reload interval and the cache's age.
    const clock: Clock = { now: () => new Date(Date.now() + skewMs) };
    let viaUrl: ReturnType<typeof createApp>;
    const fetches = () => jwks.requests.filter((r) => r.url.pathname === '/.well-known/jwks.json').length;

    beforeAll(async () => {
      jwks = await startContractServer((req) => (req.url.pathname === '/.well-known/jwks.json' ? { body: { keys: published } } : { status: 404 }));
      viaUrl = appWith({ falKeys: new FalWebhookKeys(falJwksFromUrl({ url: `${jwks.url}/.well-known/jwks.json`, sleep: async () => {} }), clock), findCall });
    });
    afterAll(async () => {
      await jwks?.close();
    });

    const deliver = async (signer: KeyPair) => {
      const request = `req-${randomBytes(4).toString('hex')}`;
      const body = falResult(request);
      return post('/webhooks/fal', body, falHeaders(signer, body, { requestId: request, ts: nowSec(clock) }), viaUrl);
    };

    it('fetches the set once and caches it; an unknown key loads it again once, then 401', async () => {
      published = [publicJwk(falKey)];
      expect((await deliver(falKey)).status).toBe(200);
      expect((await deliver(falKey)).status).toBe(200);
      expect(fetches()).toBe(1);
      // A key not in the set: reloaded (fal may have rotated), still unknown, refused.
      skewMs += 61_000;
      expect((await deliver(generateKeyPairSync('ed25519'))).body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(fetches()).toBe(2);
      // Within the minute, another unknown key loads nothing.
      expect((await deliver(generateKeyPairSync('ed25519'))).status).toBe(401);
      expect(fetches()).toBe(2);
    });

    it('follows a rotation once the minute has passed, and loads the set again after 24 h', async () => {
      const rotated = generateKeyPairSync('ed25519');
      published = [publicJwk(rotated)];
      skewMs += 61_000;
      const before = fetches();
      expect((await deliver(rotated)).status).toBe(200);
      expect(fetches()).toBe(before + 1);
      expect((await deliver(rotated)).status).toBe(200);
      expect(fetches()).toBe(before + 1);
      skewMs += 24 * 3600_000;
      expect((await deliver(rotated)).status).toBe(200);
      expect(fetches()).toBe(before + 2);
    });

    it('answers 503 while the set cannot be loaded, asking fal at most once a minute', async () => {
      const down = await startContractServer(() => ({ status: 500, body: { detail: 'down' } }));
      try {
        const app503 = appWith({ falKeys: new FalWebhookKeys(falJwksFromUrl({ url: `${down.url}/jwks.json`, retries: 0 }), clock), findCall });
        const body = falResult('req-x');
        const send = () => post('/webhooks/fal', body, falHeaders(falKey, body, { requestId: 'req-x', ts: nowSec(clock) }), app503);
        expect((await send())).toEqual({ status: 503, body: { error: { code: 'WEBHOOK_KEYS_UNAVAILABLE', message: expect.any(String) } } });
        expect((await send()).status).toBe(503);
        expect(down.requests).toHaveLength(1);
      } finally {
        await down.close();
      }
    });
  });
});

describe('the routes', () => {
  it('refuse a body over the limit with 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    const res = await post('/webhooks/openai', body, standardHeaders(OPENAI_SECRET, body));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('are in the OpenAPI document, secured by their signature header', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as any;
    for (const path of ['/webhooks/replicate', '/webhooks/fal', '/webhooks/openai', '/webhooks/sora2']) expect(doc.paths[path]?.post?.security, path).toHaveLength(1);
    expect(doc.components.securitySchemes.falWebhookSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Fal-Webhook-Signature' });
  });
});

async function until(what: string, ok: () => Promise<boolean>) {
  for (let i = 0; i < 400 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await ok(), what).toBe(true);
}
