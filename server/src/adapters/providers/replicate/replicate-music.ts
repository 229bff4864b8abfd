import type { GeneratedAudio, MusicProvider, MusicRequest } from '../../../core/ports/providers';
import { MUSIC_OUTPUT } from '../http/kept-outputs';
import { modelSeed, wholeSeconds, type ModelInput } from '../http/model-input';
import { ReplicatePredictions, type ReplicateDeps, type ReplicateModelSetup } from './replicate-predictions';

/** Meta's MusicGen, a community model: run by version (the one its API page gives). */
export const REPLICATE_MUSIC_MODEL = 'meta/musicgen:671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb';

/** Music from a Replicate model (default MusicGen stereo-large, WAV out, peak-normalised), conformed to 44.1 kHz stereo WAV. */
export class ReplicateMusicProvider extends ReplicatePredictions<MusicRequest, GeneratedAudio> implements MusicProvider {
  constructor(deps: ReplicateDeps, setup: ReplicateModelSetup) {
    super(deps, setup, MUSIC_OUTPUT);
  }

  protected input(req: MusicRequest): ModelInput {
    return {
      prompt: req.prompt,
      duration: wholeSeconds(req.durationSec),
      seed: modelSeed(req.seed),
      model_version: 'stereo-large',
      output_format: 'wav',
      normalization_strategy: 'peak',
    };
  }
}
