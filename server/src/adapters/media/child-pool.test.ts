import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidMediaError, MediaLimitError } from '../../core/ports/media';
import { ChildPool, RUN_TS } from './child-pool';

const RUNAWAY = fileURLToPath(new URL('../../testing/runaway-child.ts', import.meta.url));
const CLOSE_ALONE = fileURLToPath(new URL('../../testing/close-with-nothing-pending.ts', import.meta.url));
const MB = 1024 * 1024;
const pools: ChildPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

function pool(opts: { memoryCapMb?: number; timeoutMs?: number; size?: number } = {}) {
  const p = new ChildPool({
    entry: RUNAWAY, name: 'test worker', size: opts.size ?? 1,
    memoryCapBytes: (opts.memoryCapMb ?? 400) * MB, timeoutMs: opts.timeoutMs ?? 20_000,
    reviveError: (name, message) => (name === 'InvalidMediaError' ? new InvalidMediaError(message) : undefined),
  });
  pools.push(p);
  return p;
}

describe('ChildPool', () => {
  it('answers calls in a long-lived child, one spawn for many calls, buffers intact', async () => {
    const p = pool({ size: 2 });
    const values = await Promise.all(Array.from({ length: 6 }, (_, i) => p.run('echo', [{ i, bytes: Buffer.from([i, 1, 2]) }])));
    expect(values.map((v: any) => [v.i, [...v.bytes]])).toEqual(Array.from({ length: 6 }, (_, i) => [i, [i, 1, 2]]));
    expect(p.stats().spawned).toBeLessThanOrEqual(2);
  });

  it('gives back a child\'s own error as its class', async () => {
    const p = pool();
    await expect(p.run('fail', ['not an image'])).rejects.toEqual(new InvalidMediaError('not an image'));
    expect(await p.run('echo', [1])).toBe(1);
    expect(p.stats()).toMatchObject({ spawned: 1, killed: 0 });
  });

  it('kills a child over its memory cap with MediaLimitError, and the next call gets a fresh child', async () => {
    const p = pool({ memoryCapMb: 300 });
    const err = await p.run('hog', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaLimitError);
    expect((err as Error).message).toBe('test worker needed more than 300 MB for this input and was stopped');
    expect(p.stats().peakRssBytes).toBeGreaterThan(300 * MB);
    expect(await p.run('echo', ['after'])).toBe('after');
    expect(p.stats()).toMatchObject({ spawned: 2, killed: 1 });
  });

  it('kills a child that runs past its time limit, even one that never yields', async () => {
    const p = pool({ timeoutMs: 500 });
    await expect(p.run('spin', [])).rejects.toEqual(new MediaLimitError('test worker took longer than 0.5 s on this input and was stopped'));
    expect(await p.run('echo', ['after'])).toBe('after');
    expect(p.stats()).toMatchObject({ spawned: 2, killed: 1 });
  });

  it('turns a child that dies mid-call into MediaLimitError and recovers', async () => {
    const p = pool();
    await expect(p.run('crash', [])).rejects.toEqual(new MediaLimitError('test worker stopped (SIGSEGV) while working on this input'));
    expect(await p.run('echo', ['after'])).toBe('after');
  });

  it('stops the crop that used to take the server down (a 4000x1 strip, attention) at its cap', async () => {
    const p = pool({ memoryCapMb: 300, timeoutMs: 25_000 });
    await expect(p.run('unboundedCover', [4000, 1, 512])).rejects.toEqual(new MediaLimitError('test worker needed more than 300 MB for this input and was stopped'));
    expect(p.stats().killed).toBe(1);
    expect(await p.run('echo', ['alive'])).toBe('alive');
  }, 40_000);

  it('fails a running call and later calls on close, without blaming the input', async () => {
    const p = pool();
    const running = p.run('spin', []).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await p.close();
    const err = await running;
    expect(err).not.toBeInstanceOf(MediaLimitError);
    expect((err as Error).message).toMatch(/^test worker (pool is closed|could not start)/);
    await expect(p.run('echo', [1])).rejects.toThrow('test worker pool is closed');
  });

  it('closes (and so do the process launcher and closeWithin) when nothing else keeps the process alive', async () => {
    // The exit it awaited was unreferenced: such a process ended silently mid-close, about half the time.
    for (let i = 0; i < 4; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, [RUN_TS, CLOSE_ALONE], { timeout: 30_000 });
      expect(stdout).toBe('pool closed\nlauncher closed\ngave up on the rest\n');
    }
  }, 60_000);
});
