import type { GeneratedVideo, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import { VIDEO_OUTPUT } from '../http/kept-outputs';
import { modelSeed, nearestAspectRatio, pngDataUrl, wholeSeconds, type ModelInput } from '../http/model-input';
import { FalPredictions, type FalDeps, type FalModelSetup } from './fal-predictions';

/** Seedance 1 Lite image-to-video on fal (2-12 s): the same model family as Replicate's default. */
export const FAL_VIDEO_MODEL = 'fal-ai/bytedance/seedance/v1/lite/image-to-video';

const RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'] as const;

/**
 * Videos from a fal model (default Seedance 1 Lite image-to-video), `{video: {url}}` out,
 * conformed to H.264 + AAC. The first frame goes as a PNG data URL in `image_url` (fine up to a few
 * hundred KB; a larger one would go to fal's storage upload first, not done here). An
 * image-to-video model refuses a request without a first frame (a 422); an operator who needs
 * text-only video sets FAL_VIDEO_MODEL to a text-to-video model. `duration` is a string, as fal's
 * video models declare it (`"5"`).
 */
export class FalVideoProvider extends FalPredictions<VideoRequest, GeneratedVideo> implements VideoProvider {
  constructor(deps: FalDeps, setup: FalModelSetup) {
    super(deps, setup, VIDEO_OUTPUT);
  }

  protected input(req: VideoRequest): ModelInput {
    const short = Math.min(req.width, req.height);
    return {
      prompt: req.prompt,
      ...(req.image ? { image_url: pngDataUrl(req.image) } : {}),
      duration: String(wholeSeconds(req.durationSec, 2)),
      seed: modelSeed(req.seed),
      aspect_ratio: nearestAspectRatio(req.width, req.height, RATIOS),
      resolution: short <= 480 ? '480p' : short <= 720 ? '720p' : '1080p',
    };
  }
}
