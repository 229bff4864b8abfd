import { beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError, FfmpegRunner, defaultFfmpegPath } from './ffmpeg-runner';

let binary: string;
beforeAll(async () => {
  binary = await defaultFfmpegPath();
});

describe('FfmpegRunner', () => {
  it('kills a run that goes over its time limit', async () => {
    const started = Date.now();
    const err = await new FfmpegRunner(binary, 200).run(['-f', 'lavfi', '-i', 'testsrc=duration=600', '-f', 'null', '-']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect(err).toMatchObject({ timedOut: true });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('kills a run that goes over its memory cap', async () => {
    // 4K frames buffered in a long reverse filter: resident memory climbs past 100 MB within a second.
    const runner = new FfmpegRunner(binary, 60_000, 100 * 1024 * 1024);
    const err = await runner.run(['-f', 'lavfi', '-i', 'testsrc=size=3840x2160:duration=600', '-vf', 'reverse', '-f', 'null', '-']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect(err).toMatchObject({ overMemory: true, timedOut: false, message: 'ffmpeg killed above 100 MB (memory limit)' });
  });

  it('rejects a failed run with the tail of its log, unless failure is allowed', async () => {
    const runner = new FfmpegRunner(binary);
    const err = await runner.run(['-i', '/nonexistent/input.mp4']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).stderr).toMatch(/No such file/);
    expect((err as FfmpegError).timedOut).toBe(false);
    expect((await runner.run(['-i', '/nonexistent/input.mp4'], { allowFailure: true })).code).not.toBe(0);
  });

  it('reports a missing binary as an FfmpegError', async () => {
    await expect(new FfmpegRunner('/nonexistent/ffmpeg').run(['-version'])).rejects.toBeInstanceOf(FfmpegError);
  });
});
