import { createStubProviders } from '../../server/src/adapters/providers/stub/stub-providers';
import { FfmpegRunner, defaultFfmpegPath } from '../../server/src/adapters/media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../server/src/adapters/media/media-toolkit';
import { predictionOutput } from '../../server/src/testing/prediction-output';
const ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
const media = new SharpFfmpegToolkit({ ffmpeg });
const p = createStubProviders({ ffmpeg, soleProcess: true });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function time(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  console.log(label, ((performance.now() - t0) / n).toFixed(1), 'ms wall each');
}
let frame!: Buffer; let video!: Buffer;
await time('image 360x640', 5, async (i) => { frame = (await predictionOutput(p.image, { prompt: 'a hero ' + i, width: 360, height: 640, seed: i })).png; });
await time('video 360x640 3s', 5, async (i) => { video = (await predictionOutput(p.video, { prompt: 'a hero ' + i, image: frame, width: 360, height: 640, durationSec: 3, seed: i })).mp4; });
await time('poster 360', 5, async () => media.posterFrame(video, 360));
await time('text', 5, async (i) => predictionOutput(p.text, { prompt: 'x' + i, seed: i }));
console.log('video bytes', video.length);
