import { describe, expect, it } from 'vitest';
import { InvalidMediaError } from '../../core/ports/media';
import { parseProbe } from './video-probe';

const modern = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
  Duration: 00:01:02.52, start: 0.000000, bitrate: 1019 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 901 kb/s, 30 fps, 30 tbr, 15360 tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 128 kb/s (default)
At least one output file must be specified`;

const rotatedPhone = `  Duration: 00:00:04.00, start: 0.000000, bitrate: 16000 kb/s
    Stream #0:0(und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), 1920x1080, 15000 kb/s, 29.97 fps (default)
    Metadata:
      rotate          : 90
    Side data:
      displaymatrix: rotation of -90.00 degrees`;

describe('parseProbe', () => {
  it('reads duration, size, codecs and frame rate', () => {
    expect(parseProbe(modern)).toEqual({ durationSec: 62.52, width: 1920, height: 1080, videoCodec: 'h264', audioCodec: 'aac', subtitleCodec: null, fps: 30 });
  });

  it('gives the displayed size of a rotated video, and no audio codec when there is none', () => {
    expect(parseProbe(rotatedPhone)).toEqual({ durationSec: 4, width: 1080, height: 1920, videoCodec: 'hevc', audioCodec: null, subtitleCodec: null, fps: 29.97 });
  });

  it('rejects a log without a duration or a video stream', () => {
    expect(() => parseProbe('/tmp/x.mp4: Invalid data found when processing input')).toThrow(InvalidMediaError);
    expect(() => parseProbe('  Duration: 00:00:03.00, start: 0\n  Stream #0:0: Audio: pcm_s16le, 22050 Hz, mono')).toThrow(InvalidMediaError);
  });
});
