import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MediaToolkit } from '../../../core/ports/media';
import { startContractServer, type ContractRequest, type ContractResponse } from '../../../testing/contract-server';
import { makeImage } from '../../../testing/fixtures';
import { TEST_OPENAI_KEY, formOf, openAIError, tempCopies } from '../../../testing/contracts/openai-shapes';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import { OpenAIVideoProvider, videoSeconds, type OpenAIVideoOptions } from './openai-video';

/** A conformer that passes the bytes through (the real one is tried in its own test). */
const passThrough: Pick<MediaToolkit, 'conformVideo'> = {
  conformVideo: async (buf) => ({ mp4: buf, durationSec: 4, width: 1280, height: 720 }),
};

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** The video object (openai-node `Video`). */
const video = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  id, object: 'video', model: 'sora-2', status, progress: status === 'completed' ? 100 : 40, created_at: 1_760_000_000,
  completed_at: null, expires_at: null, prompt: 'p', seconds: '4', size: '1280x720', remixed_from_video_id: null, error: null, ...extra,
});

async function setup(handle: (req: ContractRequest, n: number) => ContractResponse, opts: Partial<OpenAIVideoOptions> = {}, media = passThrough) {
  let n = 0;
  const server = await startContractServer((req) => handle(req, n++));
  const { copies, remove } = tempCopies();
  cleanup.push(() => server.close(), remove);
  const waits: number[] = [];
  const provider = new OpenAIVideoProvider({
    baseUrl: `${server.url}/v1`, apiKey: TEST_OPENAI_KEY, timeoutMs: 2_000, retries: 2, sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...opts,
  }, copies, media);
  return { server, provider, waits };
}

/** A provider that plays the whole lifecycle: created queued, then in_progress, then completed with `content`. */
function lifecycle(content: ContractResponse) {
  let polls = 0;
  return (req: ContractRequest): ContractResponse => {
    const p = req.url.pathname;
    if (req.method === 'POST' && p === '/v1/videos') return { body: video('video_abc', 'queued') };
    if (p === '/v1/videos/video_abc') return { body: video('video_abc', ['queued', 'in_progress'][polls++] ?? 'completed') };
    if (p === '/v1/videos/video_abc/content') return content;
    return { status: 404, body: openAIError('Video not found', 'not_found') };
  };
}

describe('videoSeconds', () => {
  it('is the nearest of 4, 8, 12 at or above the request, 12 at most', () => {
    expect([1, 4, 4.5, 8, 9, 12, 30].map(videoSeconds)).toEqual(['4', '4', '8', '8', '12', '12', '12']);
  });
});

describe('OpenAIVideoProvider', () => {
  it('creates with a multipart form: prompt, model, seconds, size, and the reference cut to that size', async () => {
    const { server, provider } = await setup(lifecycle({ body: Buffer.from('mp4') }));
    const image = await makeImage('image/png', 1, 100);
    expect(await provider.submit({ prompt: 'waves at night', durationSec: 5, width: 720, height: 1280, seed: 1, image })).toEqual({ id: 'video_abc' });
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${TEST_OPENAI_KEY}`);
    const form = await formOf(req);
    expect(Object.fromEntries(['prompt', 'model', 'seconds', 'size'].map((k) => [k, form.get(k)]))).toEqual({ prompt: 'waves at night', model: 'sora-2', seconds: '8', size: '720x1280' });
    const ref = form.get('input_reference') as File;
    expect(ref.type).toBe('image/png');
    expect(await sharp(Buffer.from(await ref.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 720, height: 1280 });

    await provider.submit({ prompt: 'x', durationSec: 4, width: 1280, height: 720, seed: 1 });
    const second = await formOf(server.requests[1]!);
    expect([second.get('size'), second.get('seconds'), second.has('input_reference')]).toEqual(['1280x720', '4', false]);
  });

  it('maps queued, in_progress and completed, copies the content once, and serves the copy after', async () => {
    const { server, provider } = await setup(lifecycle({ headers: { 'content-type': 'video/mp4' }, body: Buffer.from('the mp4 bytes') }));
    const { id } = await provider.submit({ prompt: 'x', durationSec: 4, width: 1280, height: 720, seed: 1 });
    expect(await provider.get(id)).toEqual({ id, status: 'starting' });
    expect(await provider.get(id)).toEqual({ id, status: 'processing' });
    const done = await provider.get(id);
    expect(done).toEqual({ id, status: 'succeeded', output: { mp4: Buffer.from('the mp4 bytes'), durationSec: 4, width: 1280, height: 720 } });
    const seen = server.requests.length;
    expect(await provider.get(id)).toEqual(done);
    expect(server.requests).toHaveLength(seen);
    expect(server.requests.filter((r) => r.url.pathname.endsWith('/content'))).toHaveLength(1);
  });

  it('is null when the provider does not know the video (404)', async () => {
    const { provider } = await setup(lifecycle({ body: '' }));
    expect(await provider.get('video_gone')).toBeNull();
  });

  it('fails retryably when the content has expired (410 or 404 on /content)', async () => {
    for (const status of [410, 404]) {
      const { provider } = await setup((req) => req.url.pathname.endsWith('/content')
        ? { status, body: openAIError('The video content has expired.') }
        : { body: video('video_old', 'completed') });
      expect(await provider.get('video_old')).toEqual({
        id: 'video_old', status: 'failed', error: { message: `openai: video video_old completed but its content has expired (${status}); submit again`, retryable: true },
      });
    }
  });

  it('fails a refused video not retryably, and another failure retryably', async () => {
    const { provider } = await setup((req) => ({
      body: req.url.pathname.endsWith('video_mod')
        ? video('video_mod', 'failed', { error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' } })
        : video('video_err', 'failed', { error: { code: 'internal_error', message: 'Something went wrong.' } }),
    }));
    expect(await provider.get('video_mod')).toEqual({ id: 'video_mod', status: 'failed', error: { message: 'openai: the video failed: moderation_blocked: Your request was blocked by our moderation system.', retryable: false } });
    expect(await provider.get('video_err')).toMatchObject({ status: 'failed', error: { retryable: true } });
  });

  it('waits as Retry-After says on a 429, gives up on 500s retryably, stops a slow answer, and treats malformed JSON as retryable', async () => {
    const limited = await setup((_, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: openAIError('Too many requests') } : { body: video('video_1', 'queued') }));
    expect(await limited.provider.submit({ prompt: 'x', durationSec: 4, width: 1280, height: 720, seed: 1 })).toEqual({ id: 'video_1' });
    expect(limited.waits).toEqual([2000]);

    const failing = await setup(() => ({ status: 502, body: 'Bad Gateway' }));
    expect(await failing.provider.get('video_1').catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 502 });
    expect(failing.server.requests).toHaveLength(3);

    const slow = await setup(() => ({ delayMs: 400, body: video('video_1', 'queued') }), { timeoutMs: 100, retries: 0 });
    expect(await slow.provider.submit({ prompt: 'x', durationSec: 4, width: 1280, height: 720, seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringMatching(/within 100 ms/) });

    const broken = await setup(() => ({ body: '{"id": "video_1", "status": ' }));
    expect(await broken.provider.get('video_1').catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('malformed JSON') });
    const wrong = await setup(() => ({ body: video('video_1', 'paused') }));
    expect(await wrong.provider.get('video_1').catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('unexpected shape: status:') });
  });

  it('never shows the key in an error', async () => {
    const { provider } = await setup((req) => ({ status: 403, body: openAIError(`Key ${String(req.headers.authorization)} may not use sora-2`) }));
    const err = (await provider.submit({ prompt: 'x', durationSec: 4, width: 1280, height: 720, seed: 1 }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(TEST_OPENAI_KEY);
  });
});

describe('OpenAIVideoProvider with the real MediaToolkit', () => {
  let webm: Buffer;
  let media: SharpFfmpegToolkit;
  beforeAll(async () => {
    const runner = new FfmpegRunner(await defaultFfmpegPath());
    media = new SharpFfmpegToolkit({ ffmpeg: runner });
    // A silent VP9 WebM, as a gateway might hand back: it must come out H.264 + AAC MP4.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-openai-video-'));
    try {
      const file = path.join(dir, 'in.webm');
      await runner.run(['-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=12:duration=1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', file]);
      webm = readFileSync(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('conforms the content into an H.264 + AAC MP4', async () => {
    const { provider } = await setup(lifecycle({ headers: { 'content-type': 'video/webm' }, body: webm }), {}, media);
    const { id } = await provider.submit({ prompt: 'x', durationSec: 1, width: 320, height: 180, seed: 1 });
    await provider.get(id);
    await provider.get(id);
    const done = await provider.get(id);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 320, height: 180 } });
    expect(done!.output!.durationSec).toBeCloseTo(1, 0);
    expect(await media.probeVideo(done!.output!.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 });
    expect(done!.output!.mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');
  }, 60_000);
});
