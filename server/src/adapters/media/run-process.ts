import { spawn } from 'node:child_process';
import { processMemory } from './process-memory';

/** How a process is bounded: killed past `timeoutMs`, or (where /proc exists) past `memoryCapBytes` resident. */
export interface ProcessLimits {
  timeoutMs: number;
  /** Infinity: no cap. */
  memoryCapBytes: number;
}

/**
 * How a run ended: it exited (or was killed, `signal`), with the tail of its stderr and whether our
 * limits killed it; or it could not be started at all (`spawnError`: a missing binary).
 */
export type ProcessOutcome =
  | { code: number | null; signal: string | null; stderr: string; timedOut: boolean; overMemory: boolean }
  | { spawnError: string };

/** Starts processes and reports how they ended: in this process (runProcess), or from a small helper (ProcessLauncher). */
export type Launch = (binary: string, args: string[], limits: ProcessLimits) => Promise<ProcessOutcome>;

// Enough of a log to explain a failure, bounded however chatty a long input makes it.
const STDERR_TAIL = 64 * 1024;
// How often a running process's resident memory is read against its cap.
const MEMORY_POLL_MS = 50;

/** Runs `binary args` (stdin and stdout ignored) within `limits`; never rejects: the outcome says how it ended. */
export function runProcess(binary: string, args: string[], limits: ProcessLimits): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let overMemory = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_TAIL);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    const poll = Number.isFinite(limits.memoryCapBytes)
      ? setInterval(() => {
          void processMemory(child.pid ?? -1).then((mem) => {
            if (!mem || mem.rss <= limits.memoryCapBytes || child.exitCode !== null) return;
            overMemory = true;
            child.kill('SIGKILL');
          });
        }, MEMORY_POLL_MS)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ spawnError: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, stderr, timedOut, overMemory });
    });
  });
}
