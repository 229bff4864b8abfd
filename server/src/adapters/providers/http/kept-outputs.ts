import { InvalidMediaError, type MediaToolkit } from '../../../core/ports/media';
import type { GeneratedAudio, GeneratedImage, GeneratedVideo, Prediction } from '../../../core/ports/providers';
import { ProviderError } from '../provider-error';
import type { OutputCopies } from './output-copies';

/** What a hosted adapter needs of the media toolkit: provider bytes -> our output types. */
export type ConformMedia = Pick<MediaToolkit, 'conformImage' | 'conformVideo' | 'conformAudio'>;

/** How one capability's output is conformed, kept and read back. */
export interface OutputKind<Out> {
  /** The conformed file's name among the prediction's copies (`output.png`...), and its type. */
  readonly file: string;
  readonly contentType: string;
  /** What the model was to make, for messages ("an image"). */
  readonly what: string;
  conform(media: ConformMedia, source: Buffer): Promise<Out>;
  bytes(out: Out): Buffer;
  /** The numbers beside the file (size, duration), kept as JSON. */
  facts(out: Out): Record<string, number>;
  restore(bytes: Buffer, facts: Record<string, number>): Out;
}

export const IMAGE_OUTPUT: OutputKind<GeneratedImage> = {
  file: 'output.png', contentType: 'image/png', what: 'an image',
  conform: (media, source) => media.conformImage(source),
  bytes: (out) => out.png,
  facts: (out) => ({ width: out.width, height: out.height }),
  restore: (png, f) => ({ png, width: f.width!, height: f.height! }),
};

export const VIDEO_OUTPUT: OutputKind<GeneratedVideo> = {
  file: 'output.mp4', contentType: 'video/mp4', what: 'a video',
  conform: (media, source) => media.conformVideo(source),
  bytes: (out) => out.mp4,
  facts: (out) => ({ width: out.width, height: out.height, durationSec: out.durationSec, ...(out.fps ? { fps: out.fps } : {}) }),
  restore: (mp4, f) => ({ mp4, width: f.width!, height: f.height!, durationSec: f.durationSec!, ...(f.fps ? { fps: f.fps } : {}) }),
};

export const MUSIC_OUTPUT: OutputKind<GeneratedAudio> = {
  file: 'output.wav', contentType: 'audio/wav', what: 'audio',
  conform: (media, source) => media.conformAudio(source),
  bytes: (out) => out.wav,
  facts: (out) => ({ durationSec: out.durationSec }),
  restore: (wav, f) => ({ wav, durationSec: f.durationSec! }),
};

/** The conformed output kept for a prediction, or null when none was kept yet (or it is not whole). */
export async function readKept<Out>(copies: OutputCopies, provider: string, id: string, kind: OutputKind<Out>): Promise<Out | null> {
  const facts = await copies.load(provider, id, `${kind.file}.json`);
  if (!facts) return null;
  const bytes = await copies.load(provider, id, kind.file);
  return bytes ? kind.restore(bytes, JSON.parse(facts.toString('utf8')) as Record<string, number>) : null;
}

/** Keeps a conformed output and its facts; the facts last: their presence says the file is whole. */
export async function keepOutput<Out>(copies: OutputCopies, provider: string, id: string, kind: OutputKind<Out>, out: Out): Promise<void> {
  await copies.save(provider, id, kind.file, kind.bytes(out), kind.contentType);
  await copies.save(provider, id, `${kind.file}.json`, Buffer.from(JSON.stringify(kind.facts(out))), 'application/json');
}

/**
 * A hosted prediction's output, kept in our storage: the provider's file as it came (`source`,
 * copied the first time the prediction is seen succeeded, since Replicate deletes it after an hour
 * and fal's CDN links expire), and the conformed output beside it with its facts, so that a later
 * read (the step after the reconciler's poll) neither asks the provider again nor converts again.
 */
export class KeptOutputs {
  constructor(
    private readonly copies: OutputCopies,
    private readonly media: ConformMedia,
  ) {}

  /** The conformed output kept for a prediction, or null when none was kept yet. */
  read<Out>(provider: string, id: string, kind: OutputKind<Out>): Promise<Out | null> {
    return readKept(this.copies, provider, id, kind);
  }

  /**
   * A succeeded prediction's output: the source copied (once) with `fetchSource`, conformed and
   * kept. The prediction fails instead when the file is gone from the provider's CDN (403/404/410,
   * retryable: submitting again makes a new one) or is not the media asked for (not retryable: the
   * model or its configured output is wrong). Other errors (the CDN down, a timeout) are thrown.
   */
  async settle<Out>(provider: string, id: string, kind: OutputKind<Out>, fetchSource: () => Promise<{ bytes: Buffer; contentType: string }>): Promise<Prediction<Out>> {
    let source: Buffer;
    try {
      source = await this.copies.copy(provider, id, 'source', fetchSource);
    } catch (err) {
      if (err instanceof ProviderError && (err.status === 403 || err.status === 404 || err.status === 410)) {
        return { id, status: 'failed', error: { message: `${provider}: the output file is no longer there (${err.status}); it has to be made again`, retryable: true } };
      }
      throw err;
    }
    let out: Out;
    try {
      out = await kind.conform(this.media, source);
    } catch (err) {
      if (err instanceof InvalidMediaError) {
        return { id, status: 'failed', error: { message: `${provider}: the model's output is not ${kind.what}: ${err.message}`, retryable: false } };
      }
      throw err;
    }
    await keepOutput(this.copies, provider, id, kind, out);
    return { id, status: 'succeeded', output: out };
  }
}
