import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startContractServer, type ContractRequest, type ContractResponse } from '../../../testing/contract-server';
import { makeImage } from '../../../testing/fixtures';
import { TEST_OPENAI_KEY, formOf, openAIError, tempCopies } from '../../../testing/contracts/openai-shapes';
import { predictionOutput } from '../../../testing/prediction-output';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import { ProviderError } from '../provider-error';
import { nearestSize, sizesFor } from './image-sizes';
import { OpenAIImageProvider, type OpenAIImageOptions } from './openai-image';

let media: SharpFfmpegToolkit;
let jpeg: Buffer;
beforeAll(async () => {
  // The real toolkit: the provider's JPEG comes out a real PNG.
  media = new SharpFfmpegToolkit({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
  jpeg = await sharp(await makeImage('image/jpeg', 3, 64)).resize(96, 64).jpeg().toBuffer();
});

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** `{created, data: [{b64_json}]}` as OpenAI Images answers. */
const imagesAnswer = (img: Buffer) => ({ created: 1_760_000_000, data: [{ b64_json: img.toString('base64'), revised_prompt: null }], output_format: 'jpeg', size: '1536x1024' });

async function setup(handle: (req: ContractRequest, n: number) => ContractResponse, opts: Partial<OpenAIImageOptions> = {}) {
  let n = 0;
  const server = await startContractServer((req) => handle(req, n++));
  const { copies, remove } = tempCopies();
  cleanup.push(() => server.close(), remove);
  const waits: number[] = [];
  const provider = new OpenAIImageProvider({
    baseUrl: `${server.url}/v1`, apiKey: TEST_OPENAI_KEY, timeoutMs: 2_000, retries: 2, sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...opts,
  }, copies, media);
  return { server, provider, waits };
}

describe('nearestSize', () => {
  it('picks the closest shape, then the smallest that covers the request', () => {
    const gpt = sizesFor('gpt-image-1');
    expect(nearestSize(gpt, 1280, 720)).toBe('1536x1024');
    expect(nearestSize(gpt, 720, 1280)).toBe('1024x1536');
    expect(nearestSize(gpt, 512, 512)).toBe('1024x1024');
    expect(nearestSize(sizesFor('dall-e-3'), 1920, 1080)).toBe('1792x1024');
    expect(nearestSize(sizesFor('dall-e-2'), 300, 300)).toBe('512x512');
    expect(nearestSize(sizesFor('dall-e-2'), 2000, 2000)).toBe('1024x1024');
  });
});

describe('OpenAIImageProvider', () => {
  it('generates with gpt-image-1 at the nearest size, keeps a real PNG, and get reads it back', async () => {
    const { server, provider } = await setup(() => ({ body: imagesAnswer(jpeg) }));
    const { id } = await provider.submit({ prompt: 'a lighthouse at dawn', width: 1280, height: 720, seed: 1 });
    expect(id).toMatch(/^imggen_[0-9a-f]{24}$/);
    const got = await provider.get(id);
    expect(got).toMatchObject({ id, status: 'succeeded', output: { width: 96, height: 64 } });
    expect(await sharp(got!.output!.png).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
    const [req] = server.requests;
    expect(req!.url.pathname).toBe('/v1/images/generations');
    expect(req!.headers.authorization).toBe(`Bearer ${TEST_OPENAI_KEY}`);
    // GPT image models answer base64 only, and refuse response_format.
    expect(req!.json).toEqual({ model: 'gpt-image-1', prompt: 'a lighthouse at dawn', size: '1536x1024', n: 1 });
    expect(await provider.get('imggen_unknown')).toBeNull();
  });

  it('asks dall-e for b64_json, never a URL, and refuses an answer with a URL only', async () => {
    const { server, provider } = await setup((_, n) => ({ body: n === 0 ? imagesAnswer(jpeg) : { created: 1, data: [{ url: 'https://cdn.example/img.png' }] } }), { model: 'dall-e-3', quality: 'hd' });
    await predictionOutput(provider, { prompt: 'p'.repeat(5000), width: 1024, height: 1792, seed: 1 });
    expect(server.requests[0]!.json).toEqual({ model: 'dall-e-3', prompt: 'p'.repeat(4000), size: '1024x1792', n: 1, response_format: 'b64_json', quality: 'hd' });
    const err = await provider.submit({ prompt: 'x', width: 1024, height: 1024, seed: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('without b64_json') });
  });

  it('sends references to /images/edits as image[] parts', async () => {
    const { server, provider } = await setup(() => ({ body: imagesAnswer(jpeg) }));
    const refs = [await makeImage('image/png', 1, 32), await makeImage('image/png', 2, 32)];
    await predictionOutput(provider, { prompt: 'the same person, smiling', width: 1024, height: 1024, seed: 1, references: refs });
    const req = server.requests[0]!;
    expect(req.url.pathname).toBe('/v1/images/edits');
    const form = await formOf(req);
    expect(Object.fromEntries(['model', 'prompt', 'size', 'n'].map((k) => [k, form.get(k)]))).toEqual({ model: 'gpt-image-1', prompt: 'the same person, smiling', size: '1024x1024', n: '1' });
    const images = form.getAll('image[]') as File[];
    expect(images.map((f) => [f.name, f.type])).toEqual([['reference-1.png', 'image/png'], ['reference-2.png', 'image/png']]);
    expect(Buffer.from(await images[1]!.arrayBuffer())).toEqual(refs[1]);
  });

  it('waits as Retry-After says on a 429, then succeeds', async () => {
    const { provider, waits } = await setup((_, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: openAIError('Rate limit reached for images') } : { body: imagesAnswer(jpeg) }));
    await predictionOutput(provider, { prompt: 'x', width: 64, height: 64, seed: 1 });
    expect(waits).toEqual([1000]);
  });

  it('gives up on 500s retryably, stops a slow answer, and treats malformed JSON as retryable', async () => {
    const failing = await setup(() => ({ status: 500, body: openAIError('The server had an error processing your request.') }));
    expect(await failing.provider.submit({ prompt: 'x', width: 64, height: 64, seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 500 });
    expect(failing.server.requests).toHaveLength(3);
    const slow = await setup(() => ({ delayMs: 400, body: imagesAnswer(jpeg) }), { timeoutMs: 100, retries: 0 });
    expect(await slow.provider.submit({ prompt: 'x', width: 64, height: 64, seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringMatching(/within 100 ms/) });
    const broken = await setup(() => ({ body: '{"created": 1, "data": [{"b64_json": "iVBOR' }));
    expect(await broken.provider.submit({ prompt: 'x', width: 64, height: 64, seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('malformed JSON') });
  });

  it('fails retryably when the bytes are not an image, and never shows the key', async () => {
    const junk = await setup(() => ({ body: imagesAnswer(Buffer.from('not an image at all')) }));
    expect(await junk.provider.submit({ prompt: 'x', width: 64, height: 64, seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('not one we can read') });
    const echo = await setup((req) => ({ status: 401, body: openAIError(`bad key ${String(req.headers.authorization)}`) }));
    const err = (await echo.provider.submit({ prompt: 'x', width: 64, height: 64, seed: 1 }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).not.toContain(TEST_OPENAI_KEY);
  });
});
