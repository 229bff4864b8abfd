import type { GeneratedAudio, MusicProvider, MusicRequest } from '../../../core/ports/providers';
import { hashString, seededRandom } from './seeded-random';
import type { StubRuntime } from './stub-runtime';

const RATE = 22_050;
// A minor pentatonic scale: any sequence of its notes sounds like music, not noise.
const SCALE = [0, 3, 5, 7, 10, 12];

/** A 16-bit mono PCM WAV of a seeded melody over a drone, synthesised in JS. */
export class StubMusicProvider implements MusicProvider {
  readonly name = 'stub-music';
  constructor(private readonly rt: StubRuntime) {}

  async generate(req: MusicRequest): Promise<GeneratedAudio> {
    await this.rt.enter('music', req.prompt);
    const rand = seededRandom(hashString(req.prompt, req.seed));
    const root = 196 * 2 ** (Math.floor(rand() * 6) / 12);
    const samples = Math.max(1, Math.round(req.durationSec * RATE));
    const noteLen = Math.round(RATE * (0.25 + rand() * 0.2));
    const pcm = new Int16Array(samples);
    let freq = root;
    for (let i = 0; i < samples; i++) {
      if (i % noteLen === 0) freq = root * 2 ** (SCALE[Math.floor(rand() * SCALE.length)]! / 12);
      const t = i / RATE;
      const env = Math.min(1, (i % noteLen) / 200) * Math.exp(-((i % noteLen) / noteLen) * 3);
      const v = 0.35 * env * Math.sin(2 * Math.PI * freq * t) + 0.12 * Math.sin(2 * Math.PI * (root / 2) * t);
      pcm[i] = Math.round(Math.max(-1, Math.min(1, v)) * 32767);
    }
    return { wav: wavFile(pcm, RATE), durationSec: samples / RATE };
  }
}

export function wavFile(pcm: Int16Array, rate: number): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
