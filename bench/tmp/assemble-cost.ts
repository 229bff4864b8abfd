import { createStubProviders } from '../../server/src/adapters/providers/stub/stub-providers';
import { FfmpegRunner, defaultFfmpegPath } from '../../server/src/adapters/media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../server/src/adapters/media/media-toolkit';
import { predictionOutput } from '../../server/src/testing/prediction-output';
const ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
const p = createStubProviders({ ffmpeg, soleProcess: true });
const scenes = await Promise.all([1, 2, 3, 4].map((i) => predictionOutput(p.video, { prompt: 'scene ' + i, width: 640, height: 360, durationSec: 2, seed: i })));
const bed = await predictionOutput(p.music, { prompt: 'bed', durationSec: 8, seed: 1 });
const clips = scenes.map((s) => ({ mp4: s.mp4, facts: { durationSec: s.durationSec, width: s.width, height: s.height, hasAudio: true } }));
for (const fps of [25, 15]) {
  const media = new SharpFfmpegToolkit({ ffmpeg, fps });
  for (const poster of [false, true]) {
    await media.assemble(clips, bed.wav, poster ? { posterWidth: 360 } : {});
    const t0 = performance.now(); for (let i = 0; i < 3; i++) await media.assemble(clips, bed.wav, poster ? { posterWidth: 360 } : {});
    console.log('fps', fps, 'poster', poster, ((performance.now() - t0) / 3).toFixed(0), 'ms');
  }
}
