import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../bin/mediaforge.js', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** The QUEUE_NAME the process was given: a test that passed a REDIS_URL drops it when done. */
  queueName: string;
  output(): string;
  waitForOutput(needle: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `mediaforge <command>` (no command when null) as a real process. With `embedded`, the
 * server-mode variables of this process (a test run against PostgreSQL and Redis) are not passed
 * on. A child never uses the default queue of a Redis it is given: unless `env` names a
 * QUEUE_NAME (processes that must share one), it gets a fresh one.
 */
export function runCli(command: string | null, env: Record<string, string>, opts: { embedded?: boolean } = {}): Child {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !(opts.embedded && (k === 'DATABASE_URL' || k === 'REDIS_URL' || k.startsWith('S3_')))),
  );
  const queueName = env.QUEUE_NAME ?? `mf-test-${randomBytes(4).toString('hex')}`;
  const proc = spawn(process.execPath, command === null ? [CLI] : [CLI, command], {
    env: { ...inherited, LOG_LEVEL: 'info', ...env, QUEUE_NAME: queueName },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    queueName,
    output: () => out,
    async waitForOutput(needle, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(needle)) {
        if (proc.exitCode !== null) throw new Error(`mediaforge ${command} exited: ${out.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`no "${needle}" from mediaforge ${command}: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal) {
      if (proc.exitCode === null) proc.kill(signal);
      await exited;
    },
  };
}
