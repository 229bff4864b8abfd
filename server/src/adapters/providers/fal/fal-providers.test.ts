import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractRequest, ContractResponse, ContractServer } from '../../../testing/contract-server';
import { startCdn } from '../../../testing/contracts/contract-kit';
import { startFalContract } from '../../../testing/contracts/fal-contract';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../../testing/hosted-outputs';
import { parseModelInput } from '../http/model-input';
import { InvalidWebhookBodyError } from '../http/provider-answer';
import { ProviderError } from '../provider-error';
import { parseFalModel } from './fal-model';
import { createFalProviders, type FalOptions } from './fal-providers';
import { parseFalWebhook } from './fal-webhook';

const KEY = 'fal-key-id:fal-key-secret-0123456789';

let fx: HostedOutputsFixture;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
});
afterAll(() => fx.cleanup());

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

/** fal's queue (testing/contracts): requests settle when a test says. `override` answers a request first. */
async function falQueue(override: (req: ContractRequest) => ContractResponse | undefined = () => undefined) {
  const contract = await startFalContract({ override });
  closers.push(contract.close);
  return contract;
}

/** fal's CDN (v3.fal.media): another host, no credentials expected. */
async function cdn(files: Record<string, Buffer>) {
  const server = await startCdn(files);
  closers.push(server.close);
  return server;
}

function providers(api: ContractServer, extra: Partial<FalOptions> = {}, waits: number[] = []) {
  return createFalProviders({
    key: KEY, baseUrl: api.url, copies: fx.copies(), media: fx.media, timeoutMs: 2_000, retries: 2,
    http: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }, ...extra,
  });
}

const IMAGE_REQ = { prompt: 'a lighthouse at dusk', width: 768, height: 1024, seed: 42 };
const VIDEO_REQ = { prompt: 'waves roll in', durationSec: 5, width: 1280, height: 720, seed: 7 };
const MUSIC_REQ = { prompt: 'calm piano', durationSec: 11.6, seed: 9 };

describe('fal adapters on a contract server', () => {
  it('makes an image: submits to the model, reads status and result at its root, copies the output at once and conforms it', async () => {
    const { server, settle, requests } = await falQueue();
    const files = await cdn({ 'flux.jpg': fx.files.jpeg });
    const { image } = providers(server);

    const { id } = await image.submit(IMAGE_REQ);
    expect(id).toBe('req-1-0b1c|fal-ai/flux/schnell');
    const submit = server.requests[0]!;
    expect(submit.url.pathname).toBe('/fal-ai/flux/schnell');
    expect(submit.url.search).toBe('');
    expect(submit.headers.authorization).toBe(`Key ${KEY}`);
    expect(submit.json).toEqual({ prompt: 'a lighthouse at dusk', seed: 42, image_size: { width: 768, height: 1024 }, num_images: 1, output_format: 'png', enable_safety_checker: true });

    expect(await image.get(id)).toEqual({ id, status: 'starting' });
    expect(server.requests.at(-1)!.url.pathname).toBe('/fal-ai/flux/requests/req-1-0b1c/status');
    settle(id, { status: 'IN_PROGRESS' });
    expect(await image.get(id)).toEqual({ id, status: 'processing' });

    settle(id, { status: 'COMPLETED', result: { body: { images: [{ url: files.url('flux.jpg'), width: 320, height: 192, content_type: 'image/jpeg' }], seed: 42 } } });
    const done = await image.get(id);
    expect(server.requests.at(-1)!.url.pathname).toBe('/fal-ai/flux/requests/req-1-0b1c');
    expect(done).toMatchObject({ id, status: 'succeeded', output: { width: 320, height: 192 } });
    expect(await sharp(done!.output!.png).metadata()).toMatchObject({ format: 'png' });
    expect(files.server.requests[0]!.headers.authorization).toBeUndefined();

    // The CDN link expired and fal forgot the request: the kept copy answers, without asking fal.
    files.expire('flux.jpg');
    requests.clear();
    const calls = server.requests.length;
    expect(await image.get(id)).toMatchObject({ status: 'succeeded', output: { width: 320, height: 192 } });
    expect(server.requests.length).toBe(calls);
  });

  it('makes a video from a first frame (a data URL), reading it back under the model root fal-ai/bytedance', async () => {
    const { server, settle } = await falQueue();
    const files = await cdn({ 'clip.mp4': fx.files.mp4 });
    const { video } = providers(server);
    const frame = await sharp({ create: { width: 128, height: 72, channels: 3, background: '#864' } }).png().toBuffer();

    const { id } = await video.submit({ ...VIDEO_REQ, image: frame });
    expect(id).toBe('req-1-0b1c|fal-ai/bytedance/seedance/v1/lite/image-to-video');
    expect(server.requests[0]!.json).toEqual({
      prompt: 'waves roll in', image_url: `data:image/png;base64,${frame.toString('base64')}`, duration: '5', seed: 7, aspect_ratio: '16:9', resolution: '720p',
    });
    settle(id, { status: 'COMPLETED', result: { body: { video: { url: files.url('clip.mp4'), content_type: 'video/mp4' }, seed: 7 } } });
    const done = await video.get(id);
    expect(server.requests.slice(1).map((r) => r.url.pathname)).toEqual([
      '/fal-ai/bytedance/requests/req-1-0b1c/status',
      '/fal-ai/bytedance/requests/req-1-0b1c',
    ]);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 160, height: 96 } });
    expect(await fx.media.probeVideo(done!.output!.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac' });
  });

  it('makes music as 44.1 kHz stereo WAV', async () => {
    const { server, settle } = await falQueue();
    const files = await cdn({ 'audio.wav': fx.files.wav });
    const { music } = providers(server);
    const { id } = await music.submit(MUSIC_REQ);
    expect(server.requests[0]!.url.pathname).toBe('/fal-ai/stable-audio');
    expect(server.requests[0]!.json).toEqual({ prompt: 'calm piano', seconds_total: 12, duration: 12, seed: 9 });
    settle(id, { status: 'COMPLETED', result: { body: { audio_file: { url: files.url('audio.wav'), content_type: 'audio/wav' } } } });
    const done = await music.get(id);
    expect(done!.output!.wav.readUInt32LE(24)).toBe(44100);
    expect(done!.output!.durationSec).toBeCloseTo(2, 1);
  });

  it('passes the webhook URL as fal_webhook, and the operator input over the mapping', async () => {
    const { server } = await falQueue();
    const { image } = providers(server, {
      webhookUrl: 'https://media.example/webhooks/fal?x=1',
      models: { image: 'fal-ai/flux/dev' },
      inputs: { image: parseModelInput('{"num_inference_steps": 28, "output_format": null}', 'FAL_IMAGE_INPUT') },
    });
    const { id } = await image.submit(IMAGE_REQ);
    expect(id).toBe('req-1-0b1c|fal-ai/flux/dev');
    const submit = server.requests[0]!;
    expect(submit.url.pathname).toBe('/fal-ai/flux/dev');
    expect(submit.url.searchParams.get('fal_webhook')).toBe('https://media.example/webhooks/fal?x=1');
    expect(submit.json).toMatchObject({ num_inference_steps: 28 });
    expect(submit.json).not.toHaveProperty('output_format');
  });

  it('waits as Retry-After says on a 429, then submits', async () => {
    let throttled = 0;
    const { server } = await falQueue((req) => (req.method === 'POST' && throttled++ === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: { detail: 'Too many requests' } } : undefined));
    const waits: number[] = [];
    const { image } = providers(server, {}, waits);
    expect((await image.submit(IMAGE_REQ)).id).toBe('req-1-0b1c|fal-ai/flux/schnell');
    expect(waits).toEqual([2000]);
  });

  it('gives up retryably after 500s on submit and on status', async () => {
    const { server } = await falQueue(() => ({ status: 503, body: { detail: 'Service Unavailable' } }));
    const { image } = providers(server);
    const err = await image.submit(IMAGE_REQ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 503, provider: 'fal' });
    expect(server.requests).toHaveLength(3);
    await expect(image.get('req-9|fal-ai/flux/schnell')).rejects.toMatchObject({ retryable: true, status: 503 });
  });

  it('stops a slow answer at the time limit, retryably', async () => {
    const { server } = await falQueue((req) => (req.method === 'POST' ? { delayMs: 400, body: { request_id: 'late' } } : undefined));
    const { image } = providers(server, { timeoutMs: 100, retries: 1 });
    const err = await image.submit(IMAGE_REQ).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/did not answer POST \/fal-ai\/flux\/schnell within 100 ms/);
  });

  it('refuses malformed JSON (a result) and a wrong shape (a status), retryably', async () => {
    const { server, settle } = await falQueue();
    const { image } = providers(server);
    const { id } = await image.submit(IMAGE_REQ);
    settle(id, { status: 'COMPLETED', result: { body: '{"images": [' } });
    const malformed = await image.get(id).catch((e: unknown) => e);
    expect(malformed).toMatchObject({ retryable: true });
    expect((malformed as Error).message).toContain('malformed JSON');
    settle(id, { status: 'FAILED' as never });
    const wrong = await image.get(id).catch((e: unknown) => e);
    expect((wrong as Error).message).toMatch(/unexpected shape: status/);
  });

  it('fails retryably when the CDN URL has expired before any copy', async () => {
    const { server, settle } = await falQueue();
    const files = await cdn({});
    files.expire('old.png');
    const { image } = providers(server);
    const { id } = await image.submit(IMAGE_REQ);
    settle(id, { status: 'COMPLETED', result: { body: { images: [{ url: files.url('old.png') }] } } });
    expect(await image.get(id)).toMatchObject({ status: 'failed', error: { retryable: true, message: expect.stringMatching(/no longer there \(410\)/) } });
  });

  it("reads a failure from the result call: 422 not retryable quoting fal's detail, 5xx retryable", async () => {
    const { server, settle } = await falQueue();
    const { image } = providers(server);
    const [a, b] = [await image.submit(IMAGE_REQ), await image.submit(IMAGE_REQ)];
    settle(a.id, { status: 'COMPLETED', result: { status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'Prompt contains content that is not allowed', type: 'content_policy_violation' }] } } });
    settle(b.id, { status: 'COMPLETED', result: { status: 500, body: { detail: 'Internal error: runner disconnected' } } });
    const refused = await image.get(a.id);
    expect(refused).toMatchObject({ status: 'failed', error: { retryable: false } });
    expect(refused!.error!.message).toContain('Prompt contains content that is not allowed');
    const crashed = await image.get(b.id);
    expect(crashed).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(crashed!.error!.message).toContain('runner disconnected');
  });

  it('is null (submit again) for a request fal does not know, or an id it cannot read', async () => {
    const { server } = await falQueue();
    const { image } = providers(server);
    expect(await image.get('nosuch|fal-ai/flux/schnell')).toBeNull();
    expect(await image.get('nosuch|not a model')).toBeNull();
  });

  it('never puts the key in an error', async () => {
    const { server } = await falQueue((req) => ({ status: req.method === 'POST' ? 401 : 500, body: { detail: 'Invalid key' } }));
    const { image } = providers(server, { retries: 0 });
    const errors = [await image.submit(IMAGE_REQ).catch((e: unknown) => e), await image.get('r|fal-ai/flux/schnell').catch((e: unknown) => e)];
    for (const err of errors) {
      expect(err).toBeInstanceOf(ProviderError);
      expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain('fal-key-secret');
    }
  });
});

describe('fal webhooks and model ids', () => {
  it('reads a webhook body into our terms', () => {
    expect(parseFalWebhook({ request_id: 'r1', gateway_request_id: 'r1', status: 'OK', payload: { images: [] } })).toEqual({ externalId: 'r1', status: 'succeeded' });
    expect(parseFalWebhook({ request_id: 'r2', status: 'ERROR', error: 'Invalid status code: 422', payload: { detail: [] } })).toEqual({ externalId: 'r2', status: 'failed', error: 'Invalid status code: 422' });
    expect(parseFalWebhook({ request_id: 'r3', status: 'OK', payload: null, payload_error: 'not serializable' })).toMatchObject({ status: 'succeeded' });
    expect(() => parseFalWebhook({ request_id: 'r4', status: 'DONE' })).toThrow(InvalidWebhookBodyError);
    expect(() => parseFalWebhook(null)).toThrow(InvalidWebhookBodyError);
  });

  it('finds the root of a model id, namespaces included', () => {
    expect(parseFalModel('fal-ai/flux/dev')).toEqual({ id: 'fal-ai/flux/dev', root: 'fal-ai/flux' });
    expect(parseFalModel('fal-ai/stable-audio')).toEqual({ id: 'fal-ai/stable-audio', root: 'fal-ai/stable-audio' });
    expect(parseFalModel('workflows/me/my-flow/run')).toEqual({ id: 'workflows/me/my-flow/run', root: 'workflows/me/my-flow' });
    for (const bad of ['flux', 'fal-ai/../x', 'fal-ai/flux dev', '']) expect(() => parseFalModel(bad), bad).toThrow(/not a fal model id/);
  });
});
