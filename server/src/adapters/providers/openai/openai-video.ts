import sharp from 'sharp';
import { z } from 'zod';
import { IMAGE_LIMITS } from '../../../core/media/image-limits';
import type { MediaToolkit } from '../../../core/ports/media';
import type { GeneratedVideo, Prediction, PredictionStatus, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import { keepOutput, readKept, VIDEO_OUTPUT } from '../http/kept-outputs';
import type { OutputCopies } from '../http/output-copies';
import { ProviderError } from '../provider-error';
import { OPENAI, OpenAIClient, isNotFound, type OpenAIConnectionOptions } from './openai-client';

export interface OpenAIVideoOptions extends OpenAIConnectionOptions {
  /** `sora-2` (default), `sora-2-pro`, or the name a compatible gateway gives its model. */
  model?: string;
  /** Time limit of the content download, in ms (default 5 min: a video is tens of MB). */
  downloadTimeoutMs?: number;
}

export const OPENAI_DEFAULT_VIDEO_MODEL = 'sora-2';
const VIDEO_TIMEOUT_MS = 60_000;
/** `seconds` takes these strings only (openai-node `VideoSeconds`: "4" | "8" | "12"). */
const SECONDS = [4, 8, 12] as const;

/** The video object (openai-node `resources/videos.ts` `Video`), the part we read. */
const Video = z.object({
  id: z.string().min(1),
  status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const STATUS: Record<z.infer<typeof Video>['status'], PredictionStatus> = {
  queued: 'starting',
  in_progress: 'processing',
  completed: 'succeeded',
  failed: 'failed',
};

/**
 * Video from the OpenAI Videos API shape (openai-node `resources/videos.ts`). The Sora 2 service
 * closed on 2026-09-24; gateways and compatible servers keep the shape, so baseUrl is theirs.
 *
 * - submit: `POST /videos` (multipart) with prompt, model, `seconds` (the nearest of "4", "8", "12"
 *   at or above the request, 12 at most), `size` (`1280x720` landscape or square, `720x1280`
 *   portrait: the sizes both sora-2 models take) and, with `image`, `input_reference`: the PNG cut
 *   to that size (the guide asks the reference to match the video's size). The id is the video's.
 * - get: `GET /videos/{id}`: queued -> starting, in_progress -> processing, failed -> failed
 *   (`error.code: message`; retryable unless the code says the request was refused: moderation,
 *   policy, safety, invalid), completed -> `GET /videos/{id}/content` copied into our storage
 *   (conformed by `media.conformVideo` first) and read from there ever after. A 404 on the video
 *   is null (the caller submits again). Content that is gone (404/410: its `expires_at` passed
 *   before we copied it) fails the prediction, retryably: submitting again makes a new one.
 *
 * The output's length is the model's (`seconds`), not the request's. Webhooks (`video.completed`,
 * `video.failed`) are set per project in OpenAI's dashboard, not per request: see
 * parseOpenAIWebhookEvent.
 */
export class OpenAIVideoProvider implements VideoProvider {
  readonly name = OPENAI;
  private readonly client: OpenAIClient;
  readonly model: string;

  constructor(
    private readonly opts: OpenAIVideoOptions,
    private readonly copies: OutputCopies,
    private readonly media: Pick<MediaToolkit, 'conformVideo'>,
  ) {
    this.client = new OpenAIClient(opts, VIDEO_TIMEOUT_MS);
    this.model = opts.model || OPENAI_DEFAULT_VIDEO_MODEL;
  }

  async submit(req: VideoRequest): Promise<{ id: string }> {
    const size = req.height > req.width ? '720x1280' : '1280x720';
    const form = new FormData();
    form.set('prompt', req.prompt);
    form.set('model', this.model);
    form.set('seconds', videoSeconds(req.durationSec));
    form.set('size', size);
    if (req.image) {
      const [w, h] = size.split('x').map(Number) as [number, number];
      form.set('input_reference', new Blob([new Uint8Array(await fitReference(req.image, w, h))], { type: 'image/png' }), 'reference.png');
    }
    const video = await this.client.json(Video, { method: 'POST', path: 'videos', body: form });
    return { id: video.id };
  }

  async get(id: string): Promise<Prediction<GeneratedVideo> | null> {
    const kept = await readKept(this.copies, OPENAI, id, VIDEO_OUTPUT);
    if (kept) return { id, status: 'succeeded', output: kept };
    let video: z.infer<typeof Video>;
    try {
      video = await this.client.json(Video, { path: `videos/${encodeURIComponent(id)}` });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const status = STATUS[video.status];
    if (status === 'failed') return { id, status, error: failure(video.error) };
    if (status !== 'succeeded') return { id, status };
    return this.copyContent(id);
  }

  private async copyContent(id: string): Promise<Prediction<GeneratedVideo>> {
    let bytes: Buffer;
    try {
      bytes = (await this.client.request({ path: `videos/${encodeURIComponent(id)}/content`, timeoutMs: this.opts.downloadTimeoutMs ?? 300_000 })).body;
    } catch (err) {
      if (err instanceof ProviderError && (err.status === 404 || err.status === 410)) {
        return { id, status: 'failed', error: { message: `${OPENAI}: video ${id} completed but its content has expired (${err.status}); submit again`, retryable: true } };
      }
      throw err;
    }
    let video: GeneratedVideo;
    try {
      video = await this.media.conformVideo(bytes);
    } catch (err) {
      return { id, status: 'failed', error: { message: `${OPENAI}: video ${id} is not one we can read: ${err instanceof Error ? err.message : String(err)}`, retryable: true } };
    }
    await keepOutput(this.copies, OPENAI, id, VIDEO_OUTPUT, video);
    return { id, status: 'succeeded', output: video };
  }
}

/** `seconds` for a requested length: the smallest of 4, 8, 12 at or above it, else 12. */
export function videoSeconds(durationSec: number): string {
  return String(SECONDS.find((s) => s >= durationSec) ?? SECONDS[SECONDS.length - 1]);
}

/** A refused request fails the same way again; anything else (an internal error, a timeout) may pass. */
const REFUSED = /moderation|policy|safety|blocked|refus|invalid|violation/i;

function failure(error: { code?: string | null; message?: string | null } | null | undefined): { message: string; retryable: boolean } {
  const code = error?.code ?? 'unknown';
  return { message: `${OPENAI}: the video failed: ${code}: ${error?.message ?? 'no message'}`, retryable: !REFUSED.test(code) };
}

/** The reference image as a PNG of exactly `width` x `height` (cover, centred), decoded within our pixel limit. */
async function fitReference(png: Buffer, width: number, height: number): Promise<Buffer> {
  try {
    return await sharp(png, { limitInputPixels: IMAGE_LIMITS.maxMegapixels['image/png'] * 1_000_000 })
      .autoOrient().resize(width, height, { fit: 'cover' }).png().toBuffer();
  } catch (err) {
    throw new ProviderError(`${OPENAI}: the reference image cannot be read: ${err instanceof Error ? err.message : String(err)}`, false, OPENAI, { cause: err });
  }
}
