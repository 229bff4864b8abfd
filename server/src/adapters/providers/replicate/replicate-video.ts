import type { GeneratedVideo, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import { VIDEO_OUTPUT } from '../http/kept-outputs';
import { modelSeed, nearestAspectRatio, wholeSeconds, type ModelInput } from '../http/model-input';
import { ReplicatePredictions, type ReplicateDeps, type ReplicateModelSetup } from './replicate-predictions';

/** Seedance 1 Lite, an official model run by name: image-to-video from a first frame, or text-to-video without one; 2-12 s. */
export const REPLICATE_VIDEO_MODEL = 'bytedance/seedance-1-lite';

const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', '9:21'] as const;

/**
 * Videos from a Replicate model (default Seedance 1 Lite). The first frame goes in `image`: as a
 * PNG data URL up to 256 KB (Replicate's advice), through the files API when larger. The resolution is the smallest of 480p,
 * 720p and 1080p that covers the asked frame; the MP4 is conformed to H.264 + AAC at the model's size.
 */
export class ReplicateVideoProvider extends ReplicatePredictions<VideoRequest, GeneratedVideo> implements VideoProvider {
  constructor(deps: ReplicateDeps, setup: ReplicateModelSetup) {
    super(deps, setup, VIDEO_OUTPUT);
  }

  protected async input(req: VideoRequest): Promise<ModelInput> {
    const short = Math.min(req.width, req.height);
    return {
      prompt: req.prompt,
      ...(req.image ? { image: await this.imageInput(req.image) } : {}),
      duration: wholeSeconds(req.durationSec, 2),
      seed: modelSeed(req.seed),
      aspect_ratio: nearestAspectRatio(req.width, req.height, RATIOS),
      resolution: short <= 480 ? '480p' : short <= 720 ? '720p' : '1080p',
    };
  }
}
