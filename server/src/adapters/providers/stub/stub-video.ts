import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { GeneratedVideo, PredictionStatus, SubmitOptions, VideoPrediction, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import type { FfmpegRunner } from '../../media/ffmpeg-runner';
import { withTempDir } from '../../media/temp-dir';
import type { ProviderError } from '../provider-error';
import { hashString, seededRandom } from './seeded-random';
import { renderPicture } from './stub-picture';
import { checkInt, checkSeconds, invalidRequest, type StubRuntime } from './stub-runtime';

const FPS = 25;
const MAX_SIDE = 1920;
const MAX_SECONDS = 60;
// No timestamps or encoder strings in the file: the same request gives the same bytes.
const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];

interface Prediction {
  status: PredictionStatus;
  output?: GeneratedVideo;
  error?: { message: string; retryable: boolean };
}

export interface StubVideoOptions {
  /** How long a settled prediction can still be read (Replicate keeps them an hour; a stub needs less). Default 10 min. */
  retentionMs?: number;
  /** How long past its ready time another process's prediction is reported as processing, not lost: time for its owner's webhook, which is due at the ready time. Default 5 s. */
  foreignGraceMs?: number;
}

/**
 * An asynchronous video provider with real output: an H.264 (yuv420p, faststart) + AAC MP4 of the
 * request's first frame, or a seeded picture, under a seeded slow zoom and pan, with a sine tone
 * whose pitch follows the seed; the same request gives the same bytes.
 *
 * `submit` starts encoding at once and returns an id. Without a latency the prediction has settled
 * when submit returns (no webhook is called). With STUB_LATENCY_MS (`rt.latencyMs`) submit returns
 * at once and the prediction settles `latencyMs` after it, or when encoding ends if that is later;
 * then the webhook is called. STUB_FAIL makes the prediction fail (not the submit), as a model
 * failure would; a request out of bounds is refused by submit, as a real API refuses it (422).
 *
 * Predictions live in the process that took them and are forgotten `retentionMs` after they
 * settle, or when the process stops: `get` then returns null and the caller submits again. That is
 * also what a real provider's expiry asks of the caller, and the output stays deterministic, since
 * the request is the same. (The request holds its first frame, tens of KB: it fits neither an id
 * nor a job's state.) Several worker processes each have a stub of their own, and any of them may
 * poll a job: an id names its process and ready time (`stubvid_<process>_<readyAt>_<random>`), so
 * another process reports it as processing until `foreignGraceMs` past its ready time, leaving its
 * own process (whose webhook and polls find it) to settle it, and as lost after that (the process
 * is presumably gone).
 */
export class StubVideoProvider implements VideoProvider {
  readonly name = 'stub-video';
  private readonly predictions = new Map<string, Prediction>();
  private readonly origin = randomBytes(4).toString('hex');
  private readonly retentionMs: number;
  private readonly foreignGraceMs: number;

  constructor(private readonly rt: StubRuntime, private readonly ffmpeg: FfmpegRunner, opts: StubVideoOptions = {}) {
    this.retentionMs = opts.retentionMs ?? 10 * 60_000;
    this.foreignGraceMs = opts.foreignGraceMs ?? 5_000;
  }

  async submit(req: VideoRequest, opts: SubmitOptions = {}): Promise<{ id: string }> {
    checkInt('video', 'width', req.width, 2, MAX_SIDE);
    checkInt('video', 'height', req.height, 2, MAX_SIDE);
    checkSeconds('video', req.durationSec, MAX_SECONDS);
    const id = `stubvid_${this.origin}_${(Date.now() + this.rt.latencyMs).toString(36)}_${randomBytes(8).toString('hex')}`;
    const prediction: Prediction = { status: 'processing' };
    this.predictions.set(id, prediction);
    const settled = this.settle(id, prediction, req);
    if (this.rt.latencyMs === 0) {
      await settled;
      return { id };
    }
    const { webhook } = opts;
    if (webhook) {
      void settled.then(() => {
        try {
          webhook({ id, status: prediction.status });
        } catch {
          // The caller's webhook is its own business; a poll still finds the prediction.
        }
      });
    }
    return { id };
  }

  async get(id: string): Promise<VideoPrediction | null> {
    const p = this.predictions.get(id);
    if (!p) {
      const [, origin, readyAt] = id.split('_');
      const foreign = origin !== undefined && origin !== this.origin;
      return foreign && Date.now() < parseInt(readyAt ?? '0', 36) + this.foreignGraceMs ? { id, status: 'processing' } : null;
    }
    return { id, status: p.status, ...(p.output ? { output: p.output } : {}), ...(p.error ? { error: p.error } : {}) };
  }

  /** Encodes (unless STUB_FAIL fails it), waits out the latency, then settles; never rejects. */
  private async settle(id: string, prediction: Prediction, req: VideoRequest): Promise<void> {
    const injected = this.rt.injectedFailure('video', req.prompt);
    const [outcome] = await Promise.all([
      injected
        ? { error: { message: injected.message, retryable: false } }
        : this.rt.guard('video', () => this.render(req)).then(
            (output) => ({ output }),
            (err: unknown) => ({ error: { message: err instanceof Error ? err.message : String(err), retryable: (err as ProviderError).retryable === true } }),
          ),
      // Unref'd: a pending prediction keeps no process alive.
      this.rt.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.rt.latencyMs).unref()) : null,
    ]);
    Object.assign(prediction, 'output' in outcome ? { status: 'succeeded', output: outcome.output } : { status: 'failed', error: outcome.error });
    setTimeout(() => this.predictions.delete(id), this.retentionMs).unref();
  }

  private async render(req: VideoRequest): Promise<GeneratedVideo> {
    // x264 with yuv420p needs even sides.
    const w = even(req.width);
    const h = even(req.height);
    const frames = Math.max(1, Math.round(req.durationSec * FPS));
    const rand = seededRandom(hashString(req.prompt, req.seed));
    const tone = 220 + Math.floor(rand() * 440);
    const zoom = (0.1 + rand() * 0.2).toFixed(3);
    const [x0, x1, y0, y1] = [rand(), rand(), rand(), rand()].map((v) => v.toFixed(3));
    // The source is twice the output size, so the zoom stays sharp.
    const frame = await this.firstFrame(req, 2 * w, 2 * h);
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'frame.png');
      const output = path.join(dir, 'clip.mp4');
      await writeFile(input, frame);
      const motion =
        `zoompan=z='1+${zoom}*on/${frames}':d=${frames}:s=${w}x${h}:fps=${FPS}` +
        `:x='(iw-iw/zoom)*(${x0}+(${x1}-${x0})*on/${frames})':y='(ih-ih/zoom)*(${y0}+(${y1}-${y0})*on/${frames})'`;
      await this.ffmpeg.run([
        '-y', '-loop', '1', '-framerate', String(FPS), '-i', input,
        '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=44100:duration=${frames / FPS}`,
        '-vf', `${motion},format=yuv420p`, '-frames:v', String(frames),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', ...BITEXACT, output,
      ]);
      return { mp4: await readFile(output), durationSec: frames / FPS, width: w, height: h };
    });
  }

  private async firstFrame(req: VideoRequest, w: number, h: number): Promise<Buffer> {
    if (!req.image) return renderPicture({ prompt: req.prompt, width: w, height: h, seed: req.seed });
    try {
      return await sharp(req.image, { limitInputPixels: 40_000_000, failOn: 'error' }).timeout({ seconds: 20 }).autoOrient().resize(w, h, { fit: 'cover' }).png().toBuffer();
    } catch (err) {
      throw invalidRequest('video', `unreadable first frame: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
