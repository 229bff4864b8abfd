import { InvalidMediaError, type VideoInfo } from '../../core/ports/media';

/**
 * Reads duration, size and codecs from the log of `ffmpeg -i` (no ffprobe ships with the
 * package). Size is as displayed: a 90/270 degree rotation tag swaps width and height.
 */
export function parseProbe(stderr: string): VideoInfo {
  const dur = stderr.match(/Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/);
  const video = stderr.match(/Stream #\S+.*?: Video: (\w+)[^\n]*?, (\d{1,5})x(\d{1,5})/);
  const audio = stderr.match(/Stream #\S+.*?: Audio: (\w+)/);
  const subtitle = stderr.match(/Stream #\S+.*?: Subtitle: (\w+)/);
  const rate = stderr.match(/Stream #\S+.*?: Video: [^\n]*?, (\d+(?:\.\d+)?) fps/);
  if (!dur || !video) throw new InvalidMediaError('not a readable video');
  let width = Number(video[2]);
  let height = Number(video[3]);
  const rotation = stderr.match(/rotate\s*:\s*(-?\d+)|rotation of (-?\d+(?:\.\d+)?) degrees/);
  const degrees = rotation ? Math.abs(Math.round(Number(rotation[1] ?? rotation[2]))) % 180 : 0;
  if (degrees === 90) [width, height] = [height, width];
  return {
    durationSec: Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]),
    width,
    height,
    videoCodec: video[1] ?? null,
    audioCodec: audio?.[1] ?? null,
    subtitleCodec: subtitle?.[1] ?? null,
    ...(rate && Number(rate[1]) > 0 ? { fps: Number(rate[1]) } : {}),
  };
}
