import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface FfmpegResult {
  code: number;
  stderr: string;
}

/** Runs ffmpeg with a time limit; the process is killed when it runs over. */
export class FfmpegRunner {
  constructor(readonly binary: string, private readonly timeoutMs = 60_000) {}

  run(args: string[], opts: { allowFailure?: boolean } = {}): Promise<FfmpegResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        // Keep the tail only: ffmpeg can be chatty on long inputs.
        stderr = (stderr + d.toString('utf8')).slice(-64 * 1024);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal) return reject(new Error(`ffmpeg killed (${signal}) after ${this.timeoutMs} ms`));
        if (code !== 0 && !opts.allowFailure) return reject(new Error(`ffmpeg exited ${code}: ${stderr.split('\n').slice(-4).join(' ')}`));
        resolve({ code: code ?? -1, stderr });
      });
    });
  }
}

/** A scratch directory that is always removed, whatever `fn` does. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mf-media-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function defaultFfmpegPath(): Promise<string> {
  const mod = (await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } };
  return mod.default.path;
}
