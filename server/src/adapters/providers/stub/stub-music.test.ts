import { writeFile } from 'node:fs/promises';
import { predictionOutput } from '../../../testing/prediction-output';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { withTempDir } from '../../media/temp-dir';
import { StubMusicProvider } from './stub-music';
import { StubRuntime } from './stub-runtime';

const music = new StubMusicProvider(new StubRuntime(0, () => false));
let ffmpeg: FfmpegRunner;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
});

describe('StubMusicProvider', () => {
  it('makes a 16-bit mono 22.05 kHz PCM WAV of the asked duration', async () => {
    const { wav, durationSec } = await predictionOutput(music, { prompt: 'calm piano', durationSec: 2, seed: 4 });
    expect(durationSec).toBeCloseTo(2, 3);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 1, 22_050, 16]);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(2 * 22_050 * 2);
    // Not silence: the samples swing well away from zero.
    const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    expect(Math.max(...samples.subarray(0, 22_050))).toBeGreaterThan(5000);
  });

  it('is a file ffmpeg reads as PCM audio', async () => {
    const { wav } = await predictionOutput(music, { prompt: 'driving beat', durationSec: 1, seed: 2 });
    const log = await withTempDir(async (dir) => {
      const file = path.join(dir, 'm.wav');
      await writeFile(file, wav);
      return (await ffmpeg.run(['-i', file], { allowFailure: true })).stderr;
    });
    expect(log).toMatch(/Duration: 00:00:01\.00/);
    expect(log).toMatch(/Audio: pcm_s16le[^\n]*22050 Hz, mono/);
  });

  it('is byte-identical by prompt and seed, different for another seed', async () => {
    const req = { prompt: '잔잔한 피아노', durationSec: 1, seed: 9 };
    const a = await predictionOutput(music, req);
    expect((await predictionOutput(music, req)).wav.equals(a.wav)).toBe(true);
    expect((await predictionOutput(music, { ...req, seed: 10 })).wav.equals(a.wav)).toBe(false);
  });

  it('refuses a duration it cannot make', async () => {
    await expect(predictionOutput(music, { prompt: 'x', durationSec: -1, seed: 1 })).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
    await expect(predictionOutput(music, { prompt: 'x', durationSec: 10_000, seed: 1 })).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
  });
});
