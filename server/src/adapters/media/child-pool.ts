import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MediaLimitError } from '../../core/ports/media';
import type { ChildError, ChildReply } from './child-serve';
import { processMemory } from './process-memory';

// Children run TypeScript like the CLI does: through tsx, registered by this small JS entry.
export const RUN_TS = fileURLToPath(new URL('../../../../bin/run-ts.js', import.meta.url));
export const START_TIMEOUT_MS = 30_000;

export interface ChildPoolOptions {
  /** Absolute path of the child's module; it calls `serveChild(handlers)`. */
  entry: string;
  /** Extra argv for the child (after the entry). */
  args?: string[];
  /** Children kept alive, each running one call at a time. */
  size: number;
  /** A child whose resident memory passes this many bytes during a call is killed. */
  memoryCapBytes: number;
  /** A call running longer than this is killed. */
  timeoutMs: number;
  /** How often a busy child's memory is read (default 20 ms). */
  pollMs?: number;
  /** Names the child in errors: "image worker". */
  name: string;
  /** Turns a child's error back into the parent's class (by `name`; `reason` when the error had one). */
  reviveError?: (name: string, message: string, reason?: string) => Error | undefined;
}

/** What the pool has seen, for tests and measurements. */
export interface ChildPoolStats {
  spawned: number;
  killed: number;
  /** Highest resident memory (VmHWM) a child had reached, read while a call ran, in bytes. */
  peakRssBytes: number;
}

interface Task {
  op: string;
  args: unknown[];
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  proc: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

/**
 * A small pool of long-lived child processes for work whose cost a hostile input could blow up
 * (native image code: V8's heap limits do not cover it). Each call is watched: over its memory cap
 * or its time limit the child is SIGKILLed and the call fails with MediaLimitError; a child that
 * dies is replaced on the next call, so one bad input costs one spawn, never the parent.
 */
export class ChildPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly counters: ChildPoolStats = { spawned: 0, killed: 0, peakRssBytes: 0 };

  constructor(private readonly opts: ChildPoolOptions) {}

  /** Runs `op(...args)` in a child; rejects with MediaLimitError when the child is killed or dies. */
  run<T>(op: string, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.opts.name} pool is closed`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, args, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  stats(): ChildPoolStats {
    return { ...this.counters };
  }

  /** Kills every child; queued calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error(`${this.opts.name} pool is closed`));
    await Promise.all([...this.slots].map((slot) => this.kill(slot)));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => !s.busy);
      if (!slot && this.slots.size < this.opts.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.busy = true;
      void this.execute(slot, task);
    }
    // Once the pool is in use, its other workers start now: a child takes most of a second to
    // start, which a burst of calls (three clips finishing together) would otherwise wait for.
    while (this.slots.size > 0 && this.slots.size < this.opts.size && !this.closed) this.spawn();
  }

  private spawn(): Slot {
    const proc = fork(RUN_TS, [this.opts.entry, ...(this.opts.args ?? [])], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.counters.spawned++;
    // An idle pool must not keep the parent alive; a busy call is held by its timer.
    proc.unref();
    proc.channel?.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m?.ready) {
          proc.off('message', onMessage);
          resolve();
        }
      };
      proc.on('message', onMessage);
      proc.once('exit', (code, signal) => reject(new Error(`${this.opts.name} exited at start (${signal ?? code})`)));
      proc.once('error', reject);
    });
    // Handled where the slot is used (awaited there); this only keeps an unused slot's failure from being unhandled.
    ready.catch(() => {});
    const slot: Slot = { proc, ready, busy: false };
    this.slots.add(slot);
    proc.once('exit', () => this.slots.delete(slot));
    return slot;
  }

  private async execute(slot: Slot, task: Task): Promise<void> {
    const { proc } = slot;
    const id = this.nextId++;
    const { name, timeoutMs, memoryCapBytes } = this.opts;
    let settled = false;
    let sent = false;
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    // The outcome is delivered once the slot is free again, so the caller's next call reuses it.
    const outcome = await new Promise<() => void>((finish) => {
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        finish(fn);
      };
      const onMessage = (m: ChildReply) => {
        if (m?.id !== id) return;
        // The poll samples; the peak read on reply is exact. A child enters a call with its peak
        // under half the cap (see below), so a peak over the cap now is this call's.
        void processMemory(proc.pid!).then((mem) => {
          if (settled) return;
          if (mem) this.counters.peakRssBytes = Math.max(this.counters.peakRssBytes, mem.peak);
          if (mem && mem.peak > memoryCapBytes) return overCap();
          settle(() => (m.ok ? task.resolve(m.value) : task.reject(this.revive(m.error))));
        });
      };
      const onExit = (code: number | null, signal: string | null) => settle(() => task.reject(this.exitError(sent, signal ?? `exit ${code}`)));
      const limit = (why: string) => {
        this.counters.killed++;
        settle(() => task.reject(new MediaLimitError(why)));
        void this.kill(slot);
      };
      const overCap = () => limit(`${name} needed more than ${Math.round(memoryCapBytes / 1024 ** 2)} MB for this input and was stopped`);
      proc.on('message', onMessage);
      proc.on('exit', onExit);
      // Until the child is ready the clock bounds its start; from the send, the call.
      timer = setTimeout(() => {
        settle(() => task.reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s`)));
        void this.kill(slot);
      }, START_TIMEOUT_MS);
      poll = setInterval(() => {
        void processMemory(proc.pid!).then((mem) => {
          if (!mem || settled || !sent) return;
          this.counters.peakRssBytes = Math.max(this.counters.peakRssBytes, mem.peak);
          if (mem.rss > memoryCapBytes) overCap();
        });
      }, this.opts.pollMs ?? 20);
      poll.unref();
      slot.ready.then(
        () => {
          if (settled) return;
          sent = true;
          clearTimeout(timer);
          timer = setTimeout(() => limit(`${name} took longer than ${timeoutMs / 1000} s on this input and was stopped`), timeoutMs);
          try {
            proc.send({ id, op: task.op, args: task.args });
          } catch (err) {
            settle(() => task.reject(err as Error));
          }
        },
        (err: Error) => settle(() => task.reject(err)),
      );
    });
    // A child whose peak passed half the cap is recycled: it would carry that memory, and its
    // peak could no longer tell the next call's own.
    const after = proc.exitCode === null && proc.signalCode === null ? await processMemory(proc.pid!) : null;
    if (after && after.peak > memoryCapBytes / 2) await this.kill(slot);
    slot.busy = false;
    outcome();
    this.pump();
  }

  private exitError(sent: boolean, how: string): Error {
    const { name } = this.opts;
    if (this.closed) return new Error(`${name} pool is closed`);
    // A child that dies on a call was killed by it (the kernel's OOM killer, a crash in native code).
    if (sent) return new MediaLimitError(`${name} stopped (${how}) while working on this input`);
    return new Error(`${name} could not start (${how})`);
  }

  private revive({ name: errName, message, reason }: ChildError): Error {
    const revived = this.opts.reviveError?.(errName, message, reason);
    if (revived) return revived;
    const err = new Error(message);
    err.name = errName;
    return err;
  }

  private kill(slot: Slot): Promise<void> {
    this.slots.delete(slot);
    const { proc } = slot;
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      // Unreferenced, its exit would not keep the loop alive: a close awaited with nothing else
      // pending would end the process silently instead of resolving.
      proc.ref();
      proc.kill('SIGKILL');
    });
  }
}
