import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from './temp-dir';

const gone = (dir: string) => stat(dir).then(() => false, () => true);

describe('withTempDir', () => {
  it('removes the directory and its files after success and after a failure', async () => {
    let kept = '';
    expect(await withTempDir(async (dir) => {
      kept = dir;
      await writeFile(path.join(dir, 'a.bin'), 'x');
      return 42;
    })).toBe(42);
    expect(await gone(kept)).toBe(true);

    await expect(withTempDir(async (dir) => {
      kept = dir;
      await writeFile(path.join(dir, 'b.bin'), 'y');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await gone(kept)).toBe(true);
  });
});
