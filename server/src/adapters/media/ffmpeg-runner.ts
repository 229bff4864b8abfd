import { runProcess, type Launch } from './run-process';

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

/**
 * Runs the ffmpeg binary with a time limit and, where /proc exists, a resident-memory cap (bytes,
 * default none); the process is killed when it runs over either. `launch` starts it: in this
 * process by default, or through a ProcessLauncher (process-launcher.ts), whose small helper forks
 * in a fraction of the time a large server process takes, and off this event loop.
 */
export class FfmpegRunner {
  constructor(
    readonly binary: string,
    private readonly timeoutMs = 60_000,
    private readonly memoryCapBytes = Infinity,
    private readonly launch: Launch = runProcess,
  ) {}

  /** Rejects with FfmpegError on a non-zero exit (unless allowed), a limit, or a binary that cannot start. */
  async run(args: string[], opts: FfmpegRunOptions = {}): Promise<FfmpegResult> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const out = await this.launch(this.binary, ['-hide_banner', '-nostdin', ...args], { timeoutMs, memoryCapBytes: this.memoryCapBytes });
    if ('spawnError' in out) throw new FfmpegError(`cannot run ffmpeg (${this.binary}): ${out.spawnError}`, '', false);
    const { code, signal, stderr } = out;
    if (out.timedOut) throw new FfmpegError(`ffmpeg killed after ${timeoutMs} ms (time limit)`, stderr, true);
    if (out.overMemory) throw new FfmpegError(`ffmpeg killed above ${Math.round(this.memoryCapBytes / 1024 ** 2)} MB (memory limit)`, stderr, false, true);
    if (signal) throw new FfmpegError(`ffmpeg killed by ${signal}`, stderr, false);
    if (code !== 0 && !opts.allowFailure) throw new FfmpegError(`ffmpeg exited ${code}: ${lastLines(stderr, 3)}`, stderr, false);
    return { code: code ?? -1, stderr };
  }
}

/** The binary shipped inside @ffmpeg-installer/ffmpeg. */
export async function defaultFfmpegPath(): Promise<string> {
  const mod = (await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } };
  return mod.default.path;
}

const lastLines = (text: string, n: number) => text.trim().split('\n').slice(-n).join(' | ');
