import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractRequest, ContractResponse } from '../../../testing/contract-server';
import { startRunpodContract, type RunpodContractOptions } from '../../../testing/contracts/runpod-contract';
import { hostedOutputsFixture, type HostedOutputsFixture } from '../../../testing/hosted-outputs';
import { ProviderError } from '../provider-error';
import { createRunpodProviders, type RunpodOptions } from './runpod-providers';

const KEY = 'rpa_test-secret-key-0123456789ABCDEF';
const ENDPOINT = 'ep-imageops';

let fx: HostedOutputsFixture;
let photo: Buffer;
beforeAll(async () => {
  fx = await hostedOutputsFixture();
  photo = await sharp(fx.files.jpeg).resize(64, 40).jpeg().toBuffer();
});
afterAll(() => fx.cleanup());

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function runpod(override: (req: ContractRequest) => ContractResponse | undefined = () => undefined, opts: RunpodContractOptions = {}) {
  const contract = await startRunpodContract({ override, apiKey: KEY, endpoint: ENDPOINT, ...opts });
  closers.push(contract.close);
  return contract;
}

function provider(url: string, extra: Partial<RunpodOptions> = {}, waits: number[] = []) {
  return createRunpodProviders({
    apiKey: KEY, baseUrl: `${url}/v2`, imageOpsEndpoint: ENDPOINT, copies: fx.copies(), media: fx.media, timeoutMs: 2_000, retries: 2,
    http: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }, ...extra,
  }).imageOps;
}

/** The error `p` rejects with, checked to never quote the key. */
async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  expect(String((err as Error).message)).not.toContain(KEY);
  expect(JSON.stringify(err)).not.toContain(KEY);
  return err as ProviderError;
}

describe('Runpod image operations on a contract server', () => {
  it('upscales: queues a job, polls IN_QUEUE -> IN_PROGRESS -> COMPLETED, copies the base64 output at once and conforms it', async () => {
    const c = await runpod();
    const ops = provider(c.server.url);
    const { id } = await ops.submit({ operation: 'upscale', image: photo, scale: 4, seed: 7 });
    expect(id).toBe('job-1-u1');
    const [run] = c.server.requests;
    expect(run!.method).toBe('POST');
    expect(run!.url.pathname).toBe(`/v2/${ENDPOINT}/run`);
    expect(run!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(run!.json).toEqual({ input: { operation: 'upscale', image: photo.toString('base64'), scale: 4, seed: 7 }, policy: { executionTimeout: 300_000, ttl: 1_200_000 } });
    expect(run!.json.webhook).toBeUndefined();

    expect(await ops.get(id)).toEqual({ id, status: 'starting' });
    c.settle(id, { status: 'IN_PROGRESS', output: { progress: 'loading model' } });
    expect(await ops.get(id)).toEqual({ id, status: 'processing' });
    await c.succeed(id);
    const done = await ops.get(id);
    expect(done).toMatchObject({ id, status: 'succeeded', output: { width: 256, height: 160 } });
    expect(await sharp(done!.output!.png).metadata()).toMatchObject({ format: 'png', width: 256, height: 160 });

    // Runpod forgets the job (30 min after): the copy serves, and Runpod is not asked again.
    c.jobs.delete(id);
    const asked = c.server.requests.length;
    expect((await ops.get(id))!.output!.png.equals(done!.output!.png)).toBe(true);
    expect(c.server.requests.length).toBe(asked);
  });

  it('removes a background with an {image_url} output on another host (no key sent there), kept with its alpha', async () => {
    const c = await runpod();
    const ops = provider(c.server.url);
    const { id } = await ops.submit({ operation: 'remove_background', image: await sharp(photo).png().toBuffer() });
    expect(c.server.requests[0]!.json.input).toEqual({ operation: 'remove_background', image: expect.any(String) });
    await c.succeed(id, 'url');
    const done = await ops.get(id);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 64, height: 40 } });
    expect(await sharp(done!.output!.png).metadata()).toMatchObject({ format: 'png', hasAlpha: true });
    expect(c.cdn.server.requests).toHaveLength(1);
    expect(c.cdn.server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('completes by polls alone as the job settles by itself', async () => {
    const c = await runpod(undefined, { settleAfterMs: 50, outputAs: 'url' });
    const ops = provider(c.server.url);
    const { id } = await ops.submit({ operation: 'upscale', image: photo });
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      const p = await ops.get(id);
      if (seen.at(-1) !== p!.status) seen.push(p!.status);
      if (p!.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen[0]).toBe('starting');
    expect(seen.at(-1)).toBe('succeeded');
  });

  it('maps FAILED (retryable only when transient), a graceful {error}, TIMED_OUT and CANCELLED onto failed predictions', async () => {
    const c = await runpod();
    const ops = provider(c.server.url);
    const cases: [Partial<Parameters<typeof c.settle>[1]>, RegExp, boolean][] = [
      [{ status: 'FAILED', error: 'ValueError: cannot identify image file' }, /the job failed: ValueError: cannot identify image file/, false],
      [{ status: 'FAILED', error: 'worker was terminated, try again' }, /worker was terminated/, true],
      [{ status: 'COMPLETED', output: { error: 'unsupported operation' } }, /the worker answered an error: unsupported operation/, false],
      [{ status: 'COMPLETED', output: { result: 'ok' } }, /neither \{image\} \(base64\) nor \{image_url\}/, false],
      [{ status: 'COMPLETED', output: { image: Buffer.from('not a picture').toString('base64') } }, /not an image/, false],
      [{ status: 'TIMED_OUT' }, /timed out/, true],
      [{ status: 'CANCELLED' }, /cancelled/, true],
    ];
    for (const [fields, message, retryable] of cases) {
      const { id } = await ops.submit({ operation: 'upscale', image: photo });
      c.settle(id, fields);
      const p = await ops.get(id);
      expect(p, JSON.stringify(fields)).toMatchObject({ id, status: 'failed', error: { message: expect.stringMatching(message), retryable } });
    }
  });

  it('honours 429 with Retry-After, retries 500s, then gives up retryably', async () => {
    const c = await runpod();
    const waits: number[] = [];
    const ops = provider(c.server.url, {}, waits);
    c.controls.failWith({ status: 429, retryAfterSec: 3, times: 1 });
    const { id } = await ops.submit({ operation: 'upscale', image: photo });
    expect(id).toBe('job-1-u1');
    expect(waits).toEqual([3000]);

    c.controls.failWith({ status: 500 });
    const err = await failure(ops.submit({ operation: 'upscale', image: photo }));
    expect(err).toMatchObject({ retryable: true, status: 500, provider: 'runpod' });
    expect(err.message).toMatch(/runpod answered 500 to POST \/v2\/ep-imageops\/run: internal server error/);
    expect(c.server.requests.filter((r) => r.url.pathname.endsWith('/run'))).toHaveLength(2 + 3);
    const polls = await failure(ops.get(id));
    expect(polls.retryable).toBe(true);
  });

  it('a slow answer past the time limit and malformed JSON are retryable errors', async () => {
    const c = await runpod((req) => (req.url.pathname.includes('/status/') ? { body: '{"id": "job-1-u1", "status":', headers: { 'content-type': 'application/json' } } : { delayMs: 400, body: { id: 'late', status: 'IN_QUEUE' } }));
    const ops = provider(c.server.url, { timeoutMs: 100, retries: 0 });
    const slow = await failure(ops.submit({ operation: 'upscale', image: photo }));
    expect(slow).toMatchObject({ retryable: true });
    expect(slow.message).toMatch(/did not answer POST \/v2\/ep-imageops\/run within 100 ms/);
    const malformed = await failure(ops.get('job-1-u1'));
    expect(malformed).toMatchObject({ retryable: true });
    expect(malformed.message).toMatch(/malformed JSON/);
  });

  it('an unknown or expired job (404) is null; a wrong key (401) is not retryable and never quoted', async () => {
    const c = await runpod();
    expect(await provider(c.server.url).get('job-gone')).toBeNull();
    const wrong = createRunpodProviders({ apiKey: `${KEY}-wrong`, baseUrl: `${c.server.url}/v2`, imageOpsEndpoint: ENDPOINT, copies: fx.copies(), media: fx.media }).imageOps;
    const err = await failure(wrong.submit({ operation: 'upscale', image: photo }));
    expect(err).toMatchObject({ retryable: false, status: 401 });
    expect(err.message).not.toContain(`${KEY}-wrong`);
  });

  it('refuses at submit, not retryable and without a request: over 10 MB, not an image, a bad scale', async () => {
    const c = await runpod();
    const ops = provider(c.server.url);
    const huge = Buffer.concat([photo, Buffer.alloc(8_000_000)]);
    const over = await failure(ops.submit({ operation: 'remove_background', image: huge }));
    expect(over).toMatchObject({ retryable: false });
    expect(over.message).toMatch(/over the 10000000-byte limit of Runpod's \/run/);
    expect((await failure(ops.submit({ operation: 'upscale', image: Buffer.from('GIF89a not ours') }))).retryable).toBe(false);
    expect((await failure(ops.submit({ operation: 'upscale', image: photo, scale: 3 as 2 }))).retryable).toBe(false);
    expect(c.server.requests).toHaveLength(0);
  });
});
