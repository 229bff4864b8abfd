import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { FfmpegRunner, defaultFfmpegPath } from '../adapters/media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../adapters/media/media-toolkit';
import { withTempDir } from '../adapters/media/temp-dir';
import { OutputCopies } from '../adapters/providers/http/output-copies';
import { LocalObjectStorage } from '../adapters/storage/local-storage';
import { makeImage } from './fixtures';

/** Real files a hosted model could return, made on the spot: what a contract server's CDN serves. */
export interface ModelOutputFiles {
  /** A 320x192 JPEG (a provider's image in a format we convert). */
  jpeg: Buffer;
  /** A 1 s 160x96 MPEG-4 Part 2 video without sound (conformed to H.264 + AAC). */
  mp4: Buffer;
  /** A 2 s 22.05 kHz mono WAV (conformed to 44.1 kHz stereo). */
  wav: Buffer;
}

/** What a hosted adapter's test needs around it: real media files, a real toolkit, real (local) storage. */
export interface HostedOutputsFixture {
  files: ModelOutputFiles;
  media: SharpFfmpegToolkit;
  /** Copies over a fresh storage directory each call (a test's own). */
  copies(): OutputCopies;
  cleanup(): void;
}

export async function hostedOutputsFixture(): Promise<HostedOutputsFixture> {
  const ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  const make = (ext: string, args: string[]) =>
    withTempDir(async (dir) => {
      const out = path.join(dir, `out.${ext}`);
      await ffmpeg.run(['-y', ...args, out]);
      return readFile(out);
    });
  const [jpeg, mp4, wav] = await Promise.all([
    makeImage('image/png', 3, 256).then((png) => sharp(png).resize(320, 192).jpeg().toBuffer()),
    make('mp4', ['-f', 'lavfi', '-i', 'testsrc=size=160x96:rate=25:duration=1', '-c:v', 'mpeg4']),
    make('wav', ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=22050', '-ac', '1']),
  ]);
  const roots: string[] = [];
  const newStorage = () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mf-hosted-'));
    roots.push(root);
    return new LocalObjectStorage({ rootDir: root, publicBaseUrl: 'http://files.test/', secret: Buffer.from('k'.repeat(32)) });
  };
  return {
    files: { jpeg, mp4, wav },
    media: new SharpFfmpegToolkit({ ffmpeg }),
    copies: () => new OutputCopies(newStorage()),
    cleanup: () => roots.forEach((root) => rmSync(root, { recursive: true, force: true })),
  };
}
