import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import { IMAGE_OUTPUT } from '../http/kept-outputs';
import { modelSeed, type ModelInput } from '../http/model-input';
import { FalPredictions, type FalDeps, type FalModelSetup } from './fal-predictions';

/** FLUX.1 [schnell] on fal: fast and cheap; takes a custom `image_size`. */
export const FAL_IMAGE_MODEL = 'fal-ai/flux/schnell';

/** Images from a fal model (default FLUX.1 [schnell]), `{images: [{url}]}` out, conformed to PNG. */
export class FalImageProvider extends FalPredictions<ImageRequest, GeneratedImage> implements ImageProvider {
  constructor(deps: FalDeps, setup: FalModelSetup) {
    super(deps, setup, IMAGE_OUTPUT);
  }

  protected input(req: ImageRequest): ModelInput {
    return {
      prompt: req.prompt,
      seed: modelSeed(req.seed),
      image_size: { width: req.width, height: req.height },
      num_images: 1,
      output_format: 'png',
      enable_safety_checker: true,
    };
  }
}
