import { spawn } from 'node:child_process';

export interface FfmpegResult {
  code: number;
  stderr: string;
}

export interface FfmpegRunOptions {
  /** Resolve on a non-zero exit too: `ffmpeg -i` alone exits 1 after printing the stream facts. */
  allowFailure?: boolean;
  /** Overrides the runner's time limit for this call. */
  timeoutMs?: number;
}

/** ffmpeg exited non-zero or ran over its time limit; `stderr` holds the tail of its log. */
export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(message: string, readonly stderr: string, readonly timedOut: boolean) {
    super(message);
  }
}

// Enough of ffmpeg's log to explain a failure, bounded however chatty a long input makes it.
const STDERR_TAIL = 64 * 1024;

/** Runs the ffmpeg binary with a time limit; the process is killed when it runs over. */
export class FfmpegRunner {
  constructor(readonly binary: string, private readonly timeoutMs = 60_000) {}

  run(args: string[], opts: FfmpegRunOptions = {}): Promise<FfmpegResult> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let timedOut = false;
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        stderr = (stderr + d).slice(-STDERR_TAIL);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new FfmpegError(`cannot run ffmpeg (${this.binary}): ${err.message}`, stderr, false));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(new FfmpegError(`ffmpeg killed after ${timeoutMs} ms (time limit)`, stderr, true));
        if (signal) return reject(new FfmpegError(`ffmpeg killed by ${signal}`, stderr, false));
        if (code !== 0 && !opts.allowFailure) {
          return reject(new FfmpegError(`ffmpeg exited ${code}: ${lastLines(stderr, 3)}`, stderr, false));
        }
        resolve({ code: code ?? -1, stderr });
      });
    });
  }
}

/** The binary shipped inside @ffmpeg-installer/ffmpeg. */
export async function defaultFfmpegPath(): Promise<string> {
  const mod = (await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } };
  return mod.default.path;
}

const lastLines = (text: string, n: number) => text.trim().split('\n').slice(-n).join(' | ');
