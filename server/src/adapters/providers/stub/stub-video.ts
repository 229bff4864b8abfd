import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedVideo, ImageProvider, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import type { FfmpegRunner } from '../../media/ffmpeg-runner';
import { withTempDir } from '../../media/ffmpeg-runner';
import { hashString } from './seeded-random';
import type { StubRuntime } from './stub-runtime';

/** An H.264 + AAC MP4: the first frame (given or generated) under a slow zoom, with a seeded tone. */
export class StubVideoProvider implements VideoProvider {
  readonly name = 'stub-video';
  constructor(private readonly rt: StubRuntime, private readonly ffmpeg: FfmpegRunner, private readonly image: ImageProvider) {}

  async generate(req: VideoRequest): Promise<GeneratedVideo> {
    await this.rt.enter('video', req.prompt);
    const w = even(req.width);
    const h = even(req.height);
    const frame = req.image ?? (await this.image.generate({ prompt: req.prompt, width: w, height: h, seed: req.seed })).png;
    const tone = 220 + (hashString(req.prompt, req.seed) % 440);
    const frames = Math.max(1, Math.round(req.durationSec * 25));
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'frame.png');
      const output = path.join(dir, 'clip.mp4');
      await writeFile(input, frame);
      await this.ffmpeg.run([
        '-y', '-loop', '1', '-framerate', '25', '-i', input,
        '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=44100:duration=${req.durationSec}`,
        '-vf', `scale=${w * 2}:${h * 2},zoompan=z='min(zoom+0.0015,1.3)':d=${frames}:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=${w}x${h}:fps=25,format=yuv420p`,
        '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'stillimage',
        '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', output,
      ]);
      return { mp4: await readFile(output), durationSec: frames / 25, width: w, height: h };
    });
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
