import type { GeneratedAudio, MusicProvider, MusicRequest } from '../../../core/ports/providers';
import { hashString, seededRandom } from './seeded-random';
import { StubPredictions, type StubPredictionOptions } from './stub-predictions';
import { checkSeconds, type StubRuntime } from './stub-runtime';
import { wavFile } from './wav-file';

const RATE = 22_050;
const MAX_SECONDS = 600;
// A minor pentatonic scale: any sequence of its notes sounds like music, not noise.
const SCALE = [0, 3, 5, 7, 10, 12, 15];
// Chord roots in semitones (i, VI, III, VII): a progression that loops naturally.
const PROGRESSION = [0, -4, 3, -2];
const FAST = /\b(driving|intense|fast|upbeat|action)\b|빠른|신나는|긴장/i;

/**
 * A 16-bit mono 22.05 kHz WAV, synthesised in JS: a seeded pentatonic melody over a changing
 * root-and-fifth pad. Prompts that ask for energy get shorter notes. A prediction (see StubPredictions).
 */
export class StubMusicProvider extends StubPredictions<MusicRequest, GeneratedAudio> implements MusicProvider {
  readonly name = 'stub-music';
  constructor(rt: StubRuntime, opts: StubPredictionOptions = {}) {
    super(rt, 'music', 'stubmus', opts);
  }

  protected check(req: MusicRequest): void {
    checkSeconds('music', req.durationSec, MAX_SECONDS);
  }

  protected prompt(req: MusicRequest): string {
    return req.prompt;
  }

  protected async produce(req: MusicRequest): Promise<GeneratedAudio> {
    const rand = seededRandom(hashString(req.prompt, req.seed));
    const key = 174.6 * 2 ** (Math.floor(rand() * 7) / 12);
    const noteLen = Math.round(RATE * (FAST.test(req.prompt) ? 0.16 + rand() * 0.08 : 0.3 + rand() * 0.2));
    const barLen = noteLen * 8;
    const samples = Math.max(1, Math.round(req.durationSec * RATE));
    const fade = Math.min(Math.round(RATE * 0.02), Math.floor(samples / 2));
    const pcm = new Int16Array(samples);
    let note = key;
    for (let i = 0; i < samples; i++) {
      const t = i / RATE;
      const root = key * 2 ** (PROGRESSION[Math.floor(i / barLen) % PROGRESSION.length]! / 12);
      const inNote = i % noteLen;
      if (inNote === 0) note = root * 2 ** (SCALE[Math.floor(rand() * SCALE.length)]! / 12);
      // A short attack and an exponential decay per note, so notes do not click into each other.
      const env = Math.min(1, inNote / 150) * Math.exp((-3 * inNote) / noteLen);
      const melody = 0.32 * env * Math.sin(2 * Math.PI * note * t);
      const pad = 0.08 * (Math.sin(Math.PI * root * t) + Math.sin(Math.PI * root * 1.5 * t));
      const edge = Math.min(1, i / fade, (samples - 1 - i) / fade);
      pcm[i] = Math.round(Math.max(-1, Math.min(1, (melody + pad) * edge)) * 32767);
    }
    return { wav: wavFile(pcm, RATE), durationSec: samples / RATE };
  }
}
