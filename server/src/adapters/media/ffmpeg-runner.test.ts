import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError, FfmpegRunner as DirectRunner, defaultFfmpegPath } from './ffmpeg-runner';
import { ProcessLauncher } from './process-launcher';
import type { Launch } from './run-process';

let binary: string;
const launcher = new ProcessLauncher();
beforeAll(async () => {
  binary = await defaultFfmpegPath();
});
afterAll(() => launcher.close());

describe.each<[string, Launch | undefined]>([
  ['started in this process', undefined],
  ['started by the process launcher', launcher.run],
])('FfmpegRunner, %s', (_how, launch) => {
  // The same runner either way: the limits and errors must not depend on who starts ffmpeg.
  const FfmpegRunner = class extends DirectRunner {
    constructor(bin: string, timeoutMs?: number, memoryCapBytes?: number) {
      super(bin, timeoutMs, memoryCapBytes, launch);
    }
  };

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

describe('ProcessLauncher', () => {
  it('runs several processes at once, and replaces a helper that died, failing only the runs it had', async () => {
    const own = new ProcessLauncher();
    try {
      const runner = new DirectRunner(binary, 60_000, Infinity, own.run);
      const quick = ['-f', 'lavfi', '-i', 'testsrc=duration=0.2', '-f', 'null', '-'];
      const results = await Promise.all([runner.run(quick), runner.run(quick), runner.run(quick)]);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      // Kill the helper while a long run is in it: that run fails as an FfmpegError, the next one works.
      const long = runner.run(['-f', 'lavfi', '-i', 'testsrc=duration=600', '-f', 'null', '-']).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      const helper = (own as unknown as { helper: { proc: { kill(s: string): void } } }).helper;
      helper.proc.kill('SIGKILL');
      const err = await long;
      expect(err).toBeInstanceOf(FfmpegError);
      expect((err as Error).message).toMatch(/process launcher exited/);
      expect((await runner.run(quick)).code).toBe(0);
    } finally {
      await own.close();
    }
  });
});
