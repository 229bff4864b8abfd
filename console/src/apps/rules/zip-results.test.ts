import { unzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { batchJob } from './fake-server';
import { resultName, zipResults } from './zip-results';

describe('the results as a ZIP', () => {
  it('holds each done result under its place and the photo’s name, and nothing of the others', async () => {
    const job = batchJob('completed', 3, [
      { status: 'done', output_url: '/files/out/0.webp', output: { mime: 'image/webp', size: 3, width: 1, height: 1 } },
      { status: 'failed', error: { code: 'X', message: 'no' } },
      { status: 'done', output_url: '/files/out/2.webp', output: { mime: 'image/webp', size: 3, width: 1, height: 1 } },
    ]);
    const fetcher = vi.fn(async (url: string | URL | Request) => new Response(new Uint8Array(String(url).endsWith('0.webp') ? [1, 2, 3] : [4, 5, 6])));
    const blob = await zipResults(job.items, ['beach.jpg', 'b.jpg', 'my/cat.png'], fetcher as typeof fetch);
    const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
    expect(Object.keys(files)).toEqual(['001-beach.webp', '003-my_cat.webp']);
    expect([...files['003-my_cat.webp']!]).toEqual([4, 5, 6]);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('names a result with no photo name by its place', () => {
    expect(resultName(11, undefined, 'image/jpeg')).toBe('012-photo-12.jpg');
  });
});
