import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import { IMAGE_OUTPUT } from '../http/kept-outputs';
import { modelSeed, nearestAspectRatio, type ModelInput } from '../http/model-input';
import { ReplicatePredictions, type ReplicateDeps, type ReplicateModelSetup } from './replicate-predictions';

/** FLUX.1 [schnell], an official model: fast, cheap, run by name. */
export const REPLICATE_IMAGE_MODEL = 'black-forest-labs/flux-schnell';

/** The aspect ratios FLUX models on Replicate take. */
const FLUX_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'] as const;

/**
 * Images from a Replicate model (default FLUX.1 [schnell]). The input names the size both ways,
 * `aspect_ratio` (FLUX) and `width`/`height` (SDXL and most others): Replicate has always dropped
 * the inputs a model does not declare (cog PR #2943 keeps that), so one mapping fits both families.
 * The PNG is conformed from whatever the model returns, at the model's own size.
 */
export class ReplicateImageProvider extends ReplicatePredictions<ImageRequest, GeneratedImage> implements ImageProvider {
  constructor(deps: ReplicateDeps, setup: ReplicateModelSetup) {
    super(deps, setup, IMAGE_OUTPUT);
  }

  protected input(req: ImageRequest): ModelInput {
    return {
      prompt: req.prompt,
      seed: modelSeed(req.seed),
      aspect_ratio: nearestAspectRatio(req.width, req.height, FLUX_RATIOS),
      width: req.width,
      height: req.height,
      num_outputs: 1,
      output_format: 'png',
    };
  }
}
