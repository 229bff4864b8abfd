import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStorage } from '../../../core/ports/storage';
import { ComfyUiContract } from '../../../testing/contracts/comfyui-contract';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import { OutputCopies } from '../http/output-copies';
import { ProviderError } from '../provider-error';
import { ComfyWorkflowError } from './comfy-workflow';
import { createComfyUiProviders, EXAMPLE_WORKFLOWS, type ComfyUiProvidersOptions } from './comfyui-providers';

/** Objects in a map: OutputCopies needs put and get. */
class MemoryStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  readonly objects = new Map<string, Buffer>();
  async put(key: string, body: Buffer) {
    this.objects.set(key, body);
  }
  async get(key: string) {
    return this.objects.get(key) ?? null;
  }
  async head(key: string) {
    const b = this.objects.get(key);
    return b ? { size: b.length, contentType: null } : null;
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  async ping() {}
  presignPut(): Promise<string> {
    throw new Error('not used');
  }
  publicUrl(key: string) {
    return `mem://${key}`;
  }
  keyFromPublicUrl() {
    return null;
  }
  signedGetUrl(): Promise<string> {
    throw new Error('not used');
  }
}

let ffmpeg: FfmpegRunner;
let media: SharpFfmpegToolkit;
let dir: string;
let fakes: ComfyUiContract[] = [];
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  media = new SharpFfmpegToolkit({ ffmpeg });
  dir = await mkdtemp(path.join(os.tmpdir(), 'mf-comfy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(extra: Partial<ComfyUiProvidersOptions> = {}) {
  const fake = await new ComfyUiContract().start();
  fakes.push(fake);
  const storage = new MemoryStorage();
  const waits: number[] = [];
  const providers = await createComfyUiProviders({
    url: fake.url,
    imageWorkflow: EXAMPLE_WORKFLOWS.image,
    videoWorkflow: EXAMPLE_WORKFLOWS.video,
    copies: new OutputCopies(storage),
    media,
    timeoutMs: 1_000,
    retries: 2,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    ...extra,
  });
  return { fake, storage, waits, image: providers.image!, video: providers.video! };
}

const png = (width: number, height: number, background = '#2060c0') => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

async function webm(width: number, height: number, fps: number, seconds: number): Promise<Buffer> {
  const out = path.join(dir, `clip-${width}x${height}-${fps}.webm`);
  await ffmpeg.run(['-y', '-f', 'lavfi', '-i', `testsrc=s=${width}x${height}:r=${fps}:d=${seconds}`, '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', '-b:v', '200k', out]);
  return readFile(out);
}

/** What SaveAnimatedWEBP writes: frames of `delayMs` each, looping. */
async function animatedWebp(width: number, height: number, colours: string[], delayMs: number): Promise<Buffer> {
  const frames = await Promise.all(colours.map((background) => sharp({ create: { width, height, channels: 3, background } }).raw().toBuffer()));
  return sharp(Buffer.concat(frames), { raw: { width, height: height * colours.length, channels: 3, pageHeight: height } })
    .webp({ loop: 0, delay: colours.map(() => delayMs), lossless: true })
    .toBuffer();
}

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('ComfyUI image', () => {
  it('queues the workflow with the prompt, seed and size set, reports queue and run, and returns the saved PNG', async () => {
    const { fake, image } = await setup({ negativePrompt: 'no text' });
    const { id } = await image.submit({ prompt: 'a red bicycle', width: 1000, height: 768, seed: 1234 });
    const sent = fake.server.requests.find((r) => r.url.pathname === '/prompt')!.json;
    expect(sent.prompt_id).toBe(id);
    expect(typeof sent.client_id).toBe('string');
    const graph = fake.last.graph;
    expect(graph['6'].inputs.text).toBe('a red bicycle');
    expect(graph['7'].inputs.text).toBe('no text');
    expect(graph['3'].inputs).toMatchObject({ seed: 1234, model: ['4', 0], steps: 25 });
    expect(graph['5'].inputs).toMatchObject({ width: 1008, height: 768, batch_size: 1 });

    expect(await image.get(id)).toEqual({ id, status: 'starting' });
    fake.run(id);
    expect(await image.get(id)).toEqual({ id, status: 'processing' });
    const saved = await sharp({ create: { width: 1008, height: 768, channels: 3, background: '#c03020' } }).jpeg().toBuffer();
    fake.succeed(id, '9', 'image_00001_.jpg', saved);
    const done = await image.get(id);
    expect(done).toMatchObject({ id, status: 'succeeded', output: { width: 1008, height: 768 } });
    expect((await sharp(done!.output!.png).metadata()).format).toBe('png');

    // Kept in our storage: ComfyUI forgetting it (a restart) changes nothing.
    fake.forget(id);
    const views = fake.count('GET', '/view');
    const again = await image.get(id);
    expect(again?.output?.png.equals(done!.output!.png)).toBe(true);
    expect(fake.count('GET', '/view')).toBe(views);
  });

  it('uploads the first reference image into the mf_image node', async () => {
    const wf = path.join(dir, 'img2img.json');
    const example = JSON.parse(await readFile(EXAMPLE_WORKFLOWS.image, 'utf8'));
    example['20'] = { class_type: 'LoadImage', inputs: { image: 'example.png' }, _meta: { title: 'mf_image' } };
    await writeFile(wf, JSON.stringify(example));
    const { fake, image } = await setup({ imageWorkflow: wf });
    const reference = await png(64, 64);
    await image.submit({ prompt: 'same face', width: 512, height: 512, seed: 1, references: [reference, await png(8, 8)] });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]!.name).toMatch(/^mediaforge-[0-9a-f]{32}\.png$/);
    expect(fake.uploads[0]!.body.includes(reference)).toBe(true);
    expect(fake.last.graph['20'].inputs.image).toBe(fake.uploads[0]!.name);
    // Before the prompt: the graph names a file ComfyUI already has.
    const order = fake.server.requests.map((r) => r.url.pathname);
    expect(order.indexOf('/upload/image')).toBeLessThan(order.indexOf('/prompt'));

    const err = await rejection(image.submit({ prompt: 'no face', width: 512, height: 512, seed: 1 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(wf);
    expect(err.message).toMatch(/takes 1 image\(s\) \(mf_image\) and the request brings 0/);
  });

  it("refuses a graph ComfyUI rejects (400 node_errors), quoting the node's error, without retrying", async () => {
    const { fake, image } = await setup();
    fake.override = (req) => req.url.pathname === '/prompt'
      ? {
          status: 400,
          body: {
            error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
            node_errors: { 4: { errors: [{ type: 'value_not_in_list', message: 'Value not in list', details: "ckpt_name: 'sd_xl_base_1.0.safetensors' not in []", extra_info: {} }], dependent_outputs: ['9'], class_type: 'CheckpointLoaderSimple' } },
          },
        }
      : undefined;
    const err = await rejection(image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 }));
    expect(err).toMatchObject({ retryable: false, status: 400, provider: 'comfyui' });
    expect(err.message).toContain(EXAMPLE_WORKFLOWS.image);
    expect(err.message).toContain('Prompt outputs failed validation');
    expect(err.message).toContain("node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'sd_xl_base_1.0.safetensors' not in []");
    expect(fake.count('POST', '/prompt')).toBe(1);
  });

  it('fails with the execution error, retryable only when the GPU ran out of memory', async () => {
    const { fake, image } = await setup();
    const { id } = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    fake.fail(id, { node_id: '3', node_type: 'KSampler', exception_type: 'RuntimeError', exception_message: 'mat1 and mat2 shapes cannot be multiplied', traceback: [] });
    expect(await image.get(id)).toEqual({
      id, status: 'failed',
      error: { message: 'comfyui: node 3 (KSampler) failed: RuntimeError: mat1 and mat2 shapes cannot be multiplied', retryable: false },
    });
    const second = await image.submit({ prompt: 'y', width: 512, height: 512, seed: 2 });
    fake.fail(second.id, { node_id: '8', node_type: 'VAEDecode', exception_type: 'torch.OutOfMemoryError', exception_message: 'Allocation on device' });
    expect((await image.get(second.id))?.error).toMatchObject({ retryable: true, message: expect.stringContaining('torch.OutOfMemoryError') });
    const third = await image.submit({ prompt: 'z', width: 512, height: 512, seed: 3 });
    fake.prompts.get(third.id)!.where = 'done';
    fake.prompts.get(third.id)!.entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [['execution_interrupted', { prompt_id: third.id, node_id: '3', node_type: 'KSampler', executed: [] }]] } };
    expect((await image.get(third.id))?.error).toEqual({ message: 'comfyui: the prompt was interrupted at node 3', retryable: true });
  });

  it('answers null for a prompt in neither the queue nor the history (lost)', async () => {
    const { fake, image } = await setup();
    expect(await image.get('0b7d8f8e-0000-4000-8000-000000000000')).toBeNull();
    // History read again after the queue, so a prompt finishing between the two reads is not lost.
    expect(fake.count('GET', '/history/')).toBe(2);
    expect(fake.count('GET', '/queue')).toBe(1);
  });

  it('fails retryably when the saved file is gone from ComfyUI, and not when there is none', async () => {
    const { fake, image } = await setup();
    const { id } = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    fake.succeed(id, '9', 'image_00002_.png', await png(16, 16));
    fake.files.clear();
    expect((await image.get(id))?.error).toMatchObject({ retryable: true, message: expect.stringContaining('404') });

    const second = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    fake.succeed(second.id, '9', 'image_00003_.png', await png(16, 16));
    (fake.prompts.get(second.id)!.entry as { outputs: unknown }).outputs = { 9: { images: [] } };
    expect((await image.get(second.id))?.error).toMatchObject({ retryable: false, message: expect.stringContaining('finished without a image file from its mf_output node 9') });
  });

  it('sends a failed submit again after a 500, checking first that the prompt did not land', async () => {
    const { fake, image, waits } = await setup();
    let posts = 0;
    fake.override = (req) => (req.url.pathname === '/prompt' && ++posts === 1 ? { status: 500, body: { error: { message: 'CUDA driver hiccup' } } } : undefined);
    const { id } = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    expect(fake.count('POST', '/prompt')).toBe(2);
    expect(waits).toEqual([250]);
    const posted = fake.server.requests.filter((r) => r.url.pathname === '/prompt').map((r) => r.json.prompt_id);
    expect(posted).toEqual([id, id]);
    expect(fake.prompts.has(id)).toBe(true);
    const paths = fake.server.requests.map((r) => `${r.method} ${r.url.pathname.replace(id, '{id}')}`);
    expect(paths).toEqual(['POST /prompt', 'GET /history/{id}', 'GET /queue', 'GET /history/{id}', 'POST /prompt']);
  });

  it('does not queue twice when the first submit was queued but its answer came too late', async () => {
    const { fake, image } = await setup({ timeoutMs: 200 });
    let posts = 0;
    fake.override = (req) => {
      if (req.url.pathname !== '/prompt' || ++posts > 1) return undefined;
      const answer = fake.handle(req); // queued now, answered after the time limit
      return { ...answer, delayMs: 500 };
    };
    const { id } = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    expect(fake.count('POST', '/prompt')).toBe(1);
    expect([...fake.prompts.keys()]).toEqual([id]);
    expect(await image.get(id)).toEqual({ id, status: 'starting' });
  });

  it('uses the id an older ComfyUI makes when it ignores ours', async () => {
    const { fake, image } = await setup();
    fake.ownIds = true;
    const { id } = await image.submit({ prompt: 'x', width: 512, height: 512, seed: 1 });
    expect(id).toBe('server-1');
    expect(await image.get(id)).toEqual({ id, status: 'starting' });
  });

  it('gives up on a slow answer past the time limit, retryably', async () => {
    const { fake, image } = await setup({ timeoutMs: 150, retries: 1 });
    fake.override = (req) => (req.url.pathname.startsWith('/history/') ? { delayMs: 400, body: {} } : undefined);
    const err = await rejection(image.get('some-id'));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/did not answer GET \/history\/some-id within 150 ms/);
    expect(fake.count('GET', '/history/')).toBe(2);
  });

  it('treats malformed JSON and a wrong shape as retryable errors that say what was wrong', async () => {
    const { fake, image } = await setup({ retries: 0 });
    fake.override = (req) => (req.url.pathname.startsWith('/history/') ? { body: '{"abc": {"outputs": ', headers: { 'content-type': 'application/json' } } : undefined);
    const bad = await rejection(image.get('abc'));
    expect(bad).toMatchObject({ retryable: true });
    expect(bad.message).toContain('malformed JSON');
    fake.override = (req) => (req.url.pathname === '/queue' ? { body: { queue_running: 'none' } } : undefined);
    const shape = await rejection(image.get('abc'));
    expect(shape.message).toMatch(/GET \/queue with an unexpected shape: queue_running/);
  });
});

describe('ComfyUI video', () => {
  it('uploads the first frame, sets size and length, and conforms the saved WebM to H.264 + AAC MP4', async () => {
    const { fake, video } = await setup();
    const frame = await png(96, 64, '#10a010');
    const { id } = await video.submit({ prompt: 'the lighthouse beam sweeps', image: frame, durationSec: 2, width: 95, height: 63, seed: 9 });
    const graph = fake.last.graph;
    expect(graph['6'].inputs.text).toBe('the lighthouse beam sweeps');
    expect(graph['3'].inputs.seed).toBe(9);
    // 2 s at the CreateVideo node's 24 fps: 48 frames, as 4k + 1.
    expect(graph['55'].inputs).toMatchObject({ width: 96, height: 64, length: 49, start_image: ['56', 0] });
    expect(graph['56'].inputs.image).toBe(fake.uploads[0]!.name);
    expect(fake.uploads[0]!.body.includes(frame)).toBe(true);

    fake.run(id);
    expect((await video.get(id))?.status).toBe('processing');
    fake.succeed(id, '58', 'video_00001_.webm', await webm(96, 64, 12, 1));
    const done = await video.get(id);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 96, height: 64 } });
    expect(done!.output!.durationSec).toBeCloseTo(1, 1);
    expect(await media.probeVideo(done!.output!.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 96, height: 64 });
  });

  it('makes text-to-video without an mf_image node, and refuses a missing first frame when the graph has one', async () => {
    const wf = path.join(dir, 't2v.json');
    const example = JSON.parse(await readFile(EXAMPLE_WORKFLOWS.video, 'utf8'));
    delete example['56'];
    delete example['55'].inputs.start_image;
    await writeFile(wf, JSON.stringify(example));
    const t2v = await setup({ videoWorkflow: wf, videoFps: 16 });
    await t2v.video.submit({ prompt: 'rain', image: await png(32, 32), durationSec: 2, width: 320, height: 192, seed: 3 });
    expect(t2v.fake.uploads).toHaveLength(0);
    expect(t2v.fake.last.graph['55'].inputs.length).toBe(33);

    const i2v = await setup();
    const err = await rejection(i2v.video.submit({ prompt: 'rain', durationSec: 2, width: 320, height: 192, seed: 3 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('mf_image');
    expect(i2v.fake.count('POST', '/prompt')).toBe(0);
  });

  it('reads an animated WebP (SaveAnimatedWEBP) through sharp and conforms it to MP4 at its frame rate', async () => {
    const { fake, video } = await setup();
    const { id } = await video.submit({ prompt: 'x', image: await png(8, 8), durationSec: 1, width: 64, height: 48, seed: 1 });
    // 8 frames of 125 ms: 1 s at 8 fps, reds then blues (each frame differs, or the encoder merges them).
    const anim = await animatedWebp(64, 48, ['#ff0000', '#fe0000', '#fd0000', '#fc0000', '#0000ff', '#0000fe', '#0000fd', '#0000fc'], 125);
    fake.succeed(id, '58', 'video_00002_.webp', anim);
    const done = await video.get(id);
    expect(done).toMatchObject({ status: 'succeeded', output: { width: 64, height: 48 } });
    expect(done!.output!.durationSec).toBeCloseTo(1, 1);
    const info = await media.probeVideo(done!.output!.mp4);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac' });
    // The poster is taken 0.1 s in: the second frame, still red.
    const first = await media.posterFrame(done!.output!.mp4, 64);
    const [r, , b] = await sharp(first.jpeg).extract({ left: 32, top: 24, width: 1, height: 1 }).raw().toBuffer();
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
  });

  it('takes a VHS_VideoCombine output listed under gifs', async () => {
    const wf = path.join(dir, 'vhs.json');
    const example = JSON.parse(await readFile(EXAMPLE_WORKFLOWS.video, 'utf8'));
    delete example['57'];
    example['58'] = { class_type: 'VHS_VideoCombine', inputs: { images: ['8', 0], frame_rate: 12, format: 'video/h264-mp4', filename_prefix: 'x' }, _meta: { title: 'Video Combine' } };
    await writeFile(wf, JSON.stringify(example));
    const { fake, video } = await setup({ videoWorkflow: wf });
    const { id } = await video.submit({ prompt: 'x', image: await png(8, 8), durationSec: 1, width: 96, height: 64, seed: 1 });
    expect(fake.last.graph['55'].inputs.length).toBe(13);
    fake.succeed(id, '58', 'x_00001.webm', await webm(96, 64, 12, 1), 'gifs');
    expect((await video.get(id))?.status).toBe('succeeded');
  });
});

describe('createComfyUiProviders', () => {
  it('stops the start on a workflow without mf_prompt, naming the file and the title', async () => {
    const wf = path.join(dir, 'untitled.json');
    const example = JSON.parse(await readFile(EXAMPLE_WORKFLOWS.image, 'utf8'));
    example['6']._meta.title = 'CLIP Text Encode (Prompt)';
    await writeFile(wf, JSON.stringify(example));
    const err = await createComfyUiProviders({ url: 'http://127.0.0.1:1', imageWorkflow: wf, copies: new OutputCopies(new MemoryStorage()), media }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComfyWorkflowError);
    expect((err as Error).message).toContain(wf);
    expect((err as Error).message).toContain('no node is titled mf_prompt');
  });

  it('makes only the capabilities that have a workflow', async () => {
    const only = await createComfyUiProviders({ url: 'http://127.0.0.1:1', videoWorkflow: EXAMPLE_WORKFLOWS.video, copies: new OutputCopies(new MemoryStorage()), media });
    expect(only.image).toBeUndefined();
    expect(only.video?.name).toBe('comfyui');
  });
});
