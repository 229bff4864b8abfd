import { spawn } from 'node:child_process';
import { processMemory } from './process-memory';

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

/** ffmpeg exited non-zero or ran over its time or memory limit; `stderr` holds the tail of its log. */
export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(message: string, readonly stderr: string, readonly timedOut: boolean, readonly overMemory = false) {
    super(message);
  }
}

// Enough of ffmpeg's log to explain a failure, bounded however chatty a long input makes it.
const STDERR_TAIL = 64 * 1024;

/**
 * Runs the ffmpeg binary with a time limit and, where /proc exists, a resident-memory cap (bytes,
 * default none); the process is killed when it runs over either.
 */
export class FfmpegRunner {
  constructor(readonly binary: string, private readonly timeoutMs = 60_000, private readonly memoryCapBytes = Infinity) {}

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
      let overMemory = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const poll = Number.isFinite(this.memoryCapBytes)
        ? setInterval(() => {
            void processMemory(child.pid ?? -1).then((mem) => {
              if (!mem || mem.rss <= this.memoryCapBytes || child.exitCode !== null) return;
              overMemory = true;
              child.kill('SIGKILL');
            });
          }, 50)
        : undefined;
      child.on('error', (err) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new FfmpegError(`cannot run ffmpeg (${this.binary}): ${err.message}`, stderr, false));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearInterval(poll);
        if (timedOut) return reject(new FfmpegError(`ffmpeg killed after ${timeoutMs} ms (time limit)`, stderr, true));
        if (overMemory) {
          return reject(new FfmpegError(`ffmpeg killed above ${Math.round(this.memoryCapBytes / 1024 ** 2)} MB (memory limit)`, stderr, false, true));
        }
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
