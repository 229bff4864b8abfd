import type { GeneratedAudio, MusicProvider, MusicRequest } from '../../../core/ports/providers';
import { MUSIC_OUTPUT } from '../http/kept-outputs';
import { modelSeed, wholeSeconds, type ModelInput } from '../http/model-input';
import { FalPredictions, type FalDeps, type FalModelSetup } from './fal-predictions';

/** Stable Audio Open on fal: text-to-audio up to 47 s, `{audio_file: {url}}` out. */
export const FAL_MUSIC_MODEL = 'fal-ai/stable-audio';

/** Music from a fal model (default Stable Audio), conformed to 44.1 kHz stereo WAV. */
export class FalMusicProvider extends FalPredictions<MusicRequest, GeneratedAudio> implements MusicProvider {
  constructor(deps: FalDeps, setup: FalModelSetup) {
    super(deps, setup, MUSIC_OUTPUT);
  }

  protected input(req: MusicRequest): ModelInput {
    const seconds = wholeSeconds(req.durationSec);
    // Stable Audio names the length `seconds_total`; most other music models on fal say `duration`.
    return { prompt: req.prompt, seconds_total: seconds, duration: seconds, seed: modelSeed(req.seed) };
  }
}
