import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply } from './child-serve';
import { RUN_TS, START_TIMEOUT_MS } from './child-pool';
import type { Launch, ProcessOutcome } from './run-process';

const ENTRY = fileURLToPath(new URL('./launcher-child.ts', import.meta.url));
// Past its own time limit a run is the helper's to end; this long after, the parent stops waiting.
const GRACE_MS = 10_000;

interface Helper {
  proc: ChildProcess;
  ready: Promise<void>;
}

/**
 * Starts processes from a small helper process instead of this one. Forking copies the parent's
 * address space: from a server process holding hundreds of MB that is tens of milliseconds of
 * blocked event loop per ffmpeg run (measured on a 2-core machine: about 28 ms from a 300 MB
 * process, 5 ms from the helper). The helper runs each process with its limits (runProcess) and
 * answers over IPC, any number at once. It starts at the first run; one that dies fails the runs
 * it had (as a spawn error) and is replaced at the next.
 */
export class ProcessLauncher {
  private helper: Helper | null = null;
  private readonly pending = new Map<number, (outcome: ProcessOutcome) => void>();
  private nextId = 1;
  private closed = false;

  run: Launch = async (binary, args, limits) => {
    if (this.closed) return { spawnError: 'the process launcher is closed' };
    const helper = this.helper ?? this.start();
    try {
      await helper.ready;
    } catch (err) {
      return { spawnError: err instanceof Error ? err.message : String(err) };
    }
    const id = this.nextId++;
    return new Promise<ProcessOutcome>((resolve) => {
      // Held until the answer comes: it keeps the parent alive while its process runs.
      const backstop = setTimeout(() => finish({ spawnError: `the process launcher did not answer within ${limits.timeoutMs + GRACE_MS} ms` }), limits.timeoutMs + GRACE_MS);
      const finish = (outcome: ProcessOutcome) => {
        clearTimeout(backstop);
        if (this.pending.delete(id)) resolve(outcome);
      };
      this.pending.set(id, finish);
      try {
        helper.proc.send({ id, op: 'run', args: [binary, args, limits] });
      } catch (err) {
        finish({ spawnError: `the process launcher is gone: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  };

  /** Stops the helper; runs still pending end as spawn errors. */
  async close(): Promise<void> {
    this.closed = true;
    const helper = this.helper;
    if (!helper) return;
    await new Promise<void>((resolve) => {
      if (helper.proc.exitCode !== null || helper.proc.signalCode !== null) return resolve();
      helper.proc.once('exit', () => resolve());
      // Referenced again so that the exit is awaited (see ChildPool.kill).
      helper.proc.ref();
      helper.proc.kill('SIGKILL');
    });
  }

  private start(): Helper {
    const proc = fork(RUN_TS, [ENTRY], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // An idle helper must not keep the parent alive; a pending run is held by its backstop timer.
    proc.unref();
    proc.channel?.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the process launcher did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const onReady = (m: { ready?: boolean }) => {
        if (!m?.ready) return;
        clearTimeout(timer);
        proc.off('message', onReady);
        resolve();
      };
      proc.on('message', onReady);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the process launcher exited at start (${signal ?? code})`));
      });
    });
    ready.catch(() => {});
    proc.on('message', (m: ChildReply) => {
      if (typeof m?.id !== 'number') return;
      this.pending.get(m.id)?.(m.ok ? (m.value as ProcessOutcome) : { spawnError: m.error.message });
    });
    const helper: Helper = { proc, ready };
    proc.once('exit', (code, signal) => {
      if (this.helper === helper) this.helper = null;
      for (const finish of [...this.pending.values()]) finish({ spawnError: `the process launcher exited (${signal ?? code})` });
    });
    this.helper = helper;
    return helper;
  }
}
