import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractRequest, ContractResponse, ContractServer } from '../../../testing/contract-server';
import { startCdn } from '../../../testing/contracts/contract-kit';
import { startReplicateContract } from '../../../testing/contracts/replicate-contract';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../../testing/hosted-outputs';
import { parseModelInput } from '../http/model-input';
import { ProviderError } from '../provider-error';
import { fetchReplicateWebhookSecret, replicateHttp } from './replicate-api';
import { parseReplicateModel } from './replicate-model';
import { REPLICATE_MUSIC_MODEL } from './replicate-music';
import { createReplicateProviders, type ReplicateOptions } from './replicate-providers';
import { parseReplicateWebhook } from './replicate-webhook';
import { InvalidWebhookBodyError } from '../http/provider-answer';

const TOKEN = 'r8_test-secret-token-0123456789';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MUSICGEN_VERSION = REPLICATE_MUSIC_MODEL.split(':')[1]!;

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

/** Replicate's API (testing/contracts): predictions settle when a test says. `override` answers a request first. */
async function replicate(override: (req: ContractRequest) => ContractResponse | undefined = () => undefined) {
  const contract = await startReplicateContract({ override, secret: SECRET });
  closers.push(contract.close);
  return contract;
}

/** The CDN outputs are served from (replicate.delivery): another host, no credentials expected. */
async function cdn(files: Record<string, Buffer>) {
  const server = await startCdn(files);
  closers.push(server.close);
  return server;
}

function providers(api: ContractServer, extra: Partial<ReplicateOptions> = {}, waits: number[] = []) {
  return createReplicateProviders({
    apiToken: TOKEN, baseUrl: `${api.url}/v1`, copies: fx.copies(), media: fx.media, timeoutMs: 2_000, retries: 2,
    http: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }, ...extra,
  });
}

const IMAGE_REQ = { prompt: 'a lighthouse at dusk', width: 1280, height: 720, seed: 3_000_000_000 };
const VIDEO_REQ = { prompt: 'waves roll in', durationSec: 4.6, width: 720, height: 1280, seed: 7 };
const MUSIC_REQ = { prompt: 'calm piano', durationSec: 12, seed: 9 };

describe('Replicate adapters on a contract server', () => {
  it('makes an image: creates by model name, polls, copies the first output at once and conforms it to PNG', async () => {
    const { server, settle } = await replicate();
    const files = await cdn({ 'out-0.jpg': fx.files.jpeg, 'out-1.jpg': fx.files.jpeg });
    const { image } = providers(server);

    const { id } = await image.submit(IMAGE_REQ);
    const [create] = server.requests;
    expect(create!.url.pathname).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(create!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create!.headers['cancel-after']).toBe('30m');
    expect(create!.json).toEqual({
      input: { prompt: 'a lighthouse at dusk', seed: 3_000_000_000 % 2 ** 31, aspect_ratio: '16:9', width: 1280, height: 720, num_outputs: 1, output_format: 'png' },
    });
    expect(id).toBe('p1xyz');

    expect(await image.get(id)).toEqual({ id, status: 'starting' });
    settle(id, { status: 'processing' });
    expect(await image.get(id)).toEqual({ id, status: 'processing' });

    settle(id, { status: 'succeeded', output: [files.url('out-0.jpg'), files.url('out-1.jpg')] });
    const done = await image.get(id);
    expect(done).toMatchObject({ id, status: 'succeeded', output: { width: 320, height: 192 } });
    expect(await sharp(done!.output!.png).metadata()).toMatchObject({ format: 'png', width: 320, height: 192 });
    expect(files.server.requests.map((r) => r.url.pathname)).toEqual(['/out-0.jpg']);
    expect(files.server.requests[0]!.headers.authorization).toBeUndefined();

    // An hour later Replicate has removed everything: the kept copy answers, without asking Replicate.
    files.expire('out-0.jpg');
    settle(id, { output: null, data_removed: true });
    const calls = server.requests.length;
    expect(await image.get(id)).toMatchObject({ status: 'succeeded', output: { width: 320, height: 192 } });
    expect(server.requests.length).toBe(calls);
  });

  it('makes a video from a first frame (a data URL) and conforms it to H.264 + AAC', async () => {
    const { server, settle } = await replicate();
    const files = await cdn({ 'video.mp4': fx.files.mp4 });
    const { video } = providers(server);
    const frame = await sharp({ create: { width: 72, height: 128, channels: 3, background: '#468' } }).png().toBuffer();

    const { id } = await video.submit({ ...VIDEO_REQ, image: frame });
    const create = server.requests[0]!;
    expect(create.url.pathname).toBe('/v1/models/bytedance/seedance-1-lite/predictions');
    expect(create.json.input).toEqual({
      prompt: 'waves roll in', image: `data:image/png;base64,${frame.toString('base64')}`, duration: 5, seed: 7, aspect_ratio: '9:16', resolution: '720p',
    });

    settle(id, { status: 'succeeded', output: files.url('video.mp4') });
    const done = await video.get(id);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 160, height: 96 } });
    expect(done!.output!.durationSec).toBeCloseTo(1, 1);
    expect(await fx.media.probeVideo(done!.output!.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac' });
  });

  it('uploads a first frame over the data-URL size through the files API and passes its URL', async () => {
    const { server } = await replicate();
    const { video } = providers(server, { maxDataUrlBytes: 1024 });
    const frame = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(frame.length).toBeGreaterThan(1024);
    await video.submit({ ...VIDEO_REQ, image: frame });
    const [upload, create] = server.requests;
    expect(upload!.url.pathname).toBe('/v1/files');
    expect(upload!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload!.body.includes(frame)).toBe(true);
    expect(upload!.body.toString('latin1')).toContain('name="content"; filename="image.png"');
    expect(create!.json.input.image).toBe('https://api.replicate.com/v1/files/f1');
  });

  it('makes music with a versioned model (POST /v1/predictions with version) as 44.1 kHz stereo WAV', async () => {
    const { server, settle } = await replicate();
    const files = await cdn({ 'music.wav': fx.files.wav });
    const { music } = providers(server);

    const { id } = await music.submit(MUSIC_REQ);
    const create = server.requests[0]!;
    expect(create.url.pathname).toBe('/v1/predictions');
    expect(create.json).toEqual({
      version: MUSICGEN_VERSION,
      input: { prompt: 'calm piano', duration: 12, seed: 9, model_version: 'stereo-large', output_format: 'wav', normalization_strategy: 'peak' },
    });

    settle(id, { status: 'succeeded', output: files.url('music.wav') });
    const done = await music.get(id);
    expect(done?.status).toBe('succeeded');
    expect(done!.output!.wav.readUInt16LE(22)).toBe(2);
    expect(done!.output!.wav.readUInt32LE(24)).toBe(44100);
    expect(done!.output!.durationSec).toBeCloseTo(2, 1);
  });

  it('passes the webhook URL (completed events only) and the configured deadline on create', async () => {
    const { server } = await replicate();
    const { music } = providers(server, { webhookUrl: 'https://media.example/webhooks/replicate', cancelAfter: '1h' });
    await music.submit(MUSIC_REQ);
    const create = server.requests[0]!;
    expect(create.json).toMatchObject({ webhook: 'https://media.example/webhooks/replicate', webhook_events_filter: ['completed'] });
    expect(create.headers['cancel-after']).toBe('1h');
    expect(() => providers(server, { cancelAfter: 'soon' })).toThrow(/REPLICATE_CANCEL_AFTER/);
  });

  it("lays the operator's input over the mapping (REPLICATE_VIDEO_INPUT), null removing a field, and takes another model", async () => {
    const { server } = await replicate();
    const { video } = providers(server, {
      models: { video: 'wan-video/wan-2.2-i2v-fast' },
      inputs: { video: parseModelInput('{"fps":16,"resolution":null,"aspect_ratio":"16:9"}', 'REPLICATE_VIDEO_INPUT') },
    });
    await video.submit(VIDEO_REQ);
    const create = server.requests[0]!;
    expect(create.url.pathname).toBe('/v1/models/wan-video/wan-2.2-i2v-fast/predictions');
    expect(create.json.input).toEqual({ prompt: 'waves roll in', duration: 5, seed: 7, aspect_ratio: '16:9', fps: 16 });
    expect(() => parseModelInput('[1]', 'REPLICATE_VIDEO_INPUT')).toThrow(/REPLICATE_VIDEO_INPUT must be a JSON object/);
    expect(() => parseModelInput('{fps', 'REPLICATE_VIDEO_INPUT')).toThrow(/REPLICATE_VIDEO_INPUT is not JSON/);
  });

  it('waits as Retry-After says on a 429, then creates', async () => {
    let throttled = 0;
    const { server } = await replicate((req) =>
      req.method === 'POST' && throttled++ === 0 ? { status: 429, headers: { 'retry-after': '3' }, body: { detail: 'Request was throttled. Your rate limit resets in ~3s.' } } : undefined,
    );
    const waits: number[] = [];
    const { image } = providers(server, {}, waits);
    expect((await image.submit(IMAGE_REQ)).id).toBe('p1xyz');
    expect(waits).toEqual([3000]);
  });

  it('gives up retryably after 500s on create and on get, quoting Replicate', async () => {
    const { server } = await replicate(() => ({ status: 500, body: { detail: 'Internal server error' } }));
    const { image } = providers(server);
    const submitErr = await image.submit(IMAGE_REQ).catch((e: unknown) => e);
    expect(submitErr).toBeInstanceOf(ProviderError);
    expect(submitErr).toMatchObject({ retryable: true, status: 500, provider: 'replicate' });
    expect((submitErr as Error).message).toContain('Internal server error');
    expect(server.requests).toHaveLength(3);
    await expect(image.get('p1xyz')).rejects.toMatchObject({ retryable: true, status: 500 });
  });

  it('stops a slow answer at the time limit, retryably', async () => {
    const { server } = await replicate((req) => (req.method === 'GET' ? { delayMs: 400, body: {} } : undefined));
    const { image } = providers(server, { timeoutMs: 100, retries: 1 });
    const err = await image.get('p1xyz').catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/did not answer GET \/v1\/predictions\/p1xyz within 100 ms/);
  });

  it('refuses malformed JSON and a wrong shape, retryably, saying what was wrong', async () => {
    let answer: ContractResponse = { body: '{"id": "p1xyz", "status":' };
    const { server } = await replicate((req) => (req.method === 'GET' ? answer : undefined));
    const { image } = providers(server);
    const malformed = await image.get('p1xyz').catch((e: unknown) => e);
    expect(malformed).toMatchObject({ retryable: true });
    expect((malformed as Error).message).toContain('malformed JSON');
    answer = { body: { id: 'p1xyz', status: 'exploded' } };
    const wrong = await image.get('p1xyz').catch((e: unknown) => e);
    expect(wrong).toMatchObject({ retryable: true });
    expect((wrong as Error).message).toMatch(/unexpected shape: status/);
  });

  it('fails retryably when the output URL has expired and no copy was kept', async () => {
    const { server, settle } = await replicate();
    const files = await cdn({});
    files.expire('late.png');
    const { image } = providers(server);
    const { id } = await image.submit(IMAGE_REQ);
    settle(id, { status: 'succeeded', output: [files.url('late.png')] });
    const p = await image.get(id);
    expect(p).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(p!.error!.message).toMatch(/no longer there \(410\)/);
  });

  it('is null (submit again) for an unknown prediction, or one whose data was removed before any copy', async () => {
    const { server, settle } = await replicate();
    const { image } = providers(server);
    expect(await image.get('nosuch')).toBeNull();
    const { id } = await image.submit(IMAGE_REQ);
    settle(id, { status: 'succeeded', output: null, data_removed: true });
    expect(await image.get(id)).toBeNull();
    settle(id, { data_removed: false });
    expect(await image.get(id)).toMatchObject({ status: 'failed', error: { retryable: true, message: expect.stringContaining('without an output') } });
  });

  it('maps failed, canceled and aborted to a retryable failure; a model output that is not media is not retryable', async () => {
    const { server, settle } = await replicate();
    const files = await cdn({ 'out.txt': Buffer.from('not an image at all') });
    const { image } = providers(server);
    const ids = await Promise.all([1, 2, 3, 4].map(async () => (await image.submit(IMAGE_REQ)).id));
    settle(ids[0]!, { status: 'failed', error: 'CUDA out of memory' });
    settle(ids[1]!, { status: 'canceled' });
    settle(ids[2]!, { status: 'aborted' });
    settle(ids[3]!, { status: 'succeeded', output: files.url('out.txt') });
    const [failed, canceled, aborted, text] = await Promise.all(ids.map((id) => image.get(id)));
    expect(failed).toMatchObject({ status: 'failed', error: { retryable: true, message: 'replicate: the prediction failed: CUDA out of memory' } });
    expect(canceled).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(aborted).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(text).toMatchObject({ status: 'failed', error: { retryable: false } });
    expect(text!.error!.message).toContain('not an image');
  });

  it('refuses input Replicate rejects (422) without retrying', async () => {
    const { server } = await replicate((req) => (req.method === 'POST' ? { status: 422, body: { detail: '- input.seed: Must be less than or equal to 2147483647', status: 422 } } : undefined));
    const { image } = providers(server);
    const err = await image.submit(IMAGE_REQ).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, status: 422 });
    expect((err as Error).message).toContain('Must be less than or equal');
    expect(server.requests).toHaveLength(1);
  });

  it('never puts the API token in an error', async () => {
    const { server } = await replicate((req) => ({ status: req.method === 'POST' ? 401 : 500, body: { detail: 'Invalid token.' } }));
    const { image } = providers(server, { retries: 0 });
    const errors = await Promise.all([image.submit(IMAGE_REQ).catch((e: unknown) => e), image.get('p1').catch((e: unknown) => e)]);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ProviderError);
      expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack, c: String((err as Error).cause) })).not.toContain(TOKEN);
    }
  });
});

describe('Replicate webhooks and secret', () => {
  it('fetches the default webhook secret', async () => {
    const { server } = await replicate();
    expect(await fetchReplicateWebhookSecret(replicateHttp({ apiToken: TOKEN, baseUrl: `${server.url}/v1` }))).toBe(SECRET);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses an answer that is not a whsec_ secret', async () => {
    const { server } = await replicate(() => ({ body: { key: 'nope' } }));
    await expect(fetchReplicateWebhookSecret(replicateHttp({ apiToken: TOKEN, baseUrl: `${server.url}/v1` }))).rejects.toThrow(/unexpected shape: key/);
  });

  it('reads a webhook body (the prediction) into our terms', () => {
    expect(parseReplicateWebhook({ id: 'p1', status: 'succeeded', output: ['https://replicate.delivery/x.png'] })).toEqual({ externalId: 'p1', status: 'succeeded' });
    expect(parseReplicateWebhook({ id: 'p2', status: 'canceled', output: null })).toEqual({ externalId: 'p2', status: 'failed' });
    expect(parseReplicateWebhook({ id: 'p3', status: 'aborted' })).toEqual({ externalId: 'p3', status: 'failed' });
    expect(() => parseReplicateWebhook({ status: 'succeeded' })).toThrow(InvalidWebhookBodyError);
    expect(() => parseReplicateWebhook('nope')).toThrow(InvalidWebhookBodyError);
  });
});

describe('parseReplicateModel', () => {
  it('reads owner/name, owner/name:version and a bare version', () => {
    const v = 'a'.repeat(64);
    expect(parseReplicateModel('black-forest-labs/flux-schnell')).toEqual({ kind: 'model', owner: 'black-forest-labs', name: 'flux-schnell' });
    expect(parseReplicateModel(`meta/musicgen:${v}`)).toEqual({ kind: 'version', version: v, model: 'meta/musicgen' });
    expect(parseReplicateModel(v)).toEqual({ kind: 'version', version: v });
    for (const bad of ['flux', 'a/b/c', 'meta/musicgen:abc', '../x/y']) expect(() => parseReplicateModel(bad), bad).toThrow(/not a Replicate model/);
  });
});
