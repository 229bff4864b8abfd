import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A scratch directory in os.tmpdir() that is removed whatever `fn` does. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>, prefix = 'mf-media-'): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
