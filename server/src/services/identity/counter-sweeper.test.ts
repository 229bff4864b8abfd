import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../testing/test-platform';
import { sweepEndedCounters } from './counter-sweeper';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

describe('sweepEndedCounters', () => {
  it('deletes the counters of ended minute, hour and day windows, and keeps the current ones', async () => {
    const windows = ['2026-12-02T09:57', '2026-12-02T09:58', '2026-12-02T10:00', '2026-12-02T07', '2026-12-02T08', '2026-11-28', '2026-11-29', '2026-12-02'];
    await t.deps.store.tx(async (r) => {
      for (const window of windows) await r.counters.incrementIfBelow({ scope: 'sweep.test', subject: 'u1', window }, 1, 10);
    });
    expect(await sweepEndedCounters(t.deps, new Date('2026-12-02T10:00:30Z'))).toBe(3);
    const left = await t.deps.store.read(async (r) => {
      const out: string[] = [];
      for (const window of windows) if ((await r.counters.get({ scope: 'sweep.test', subject: 'u1', window })) > 0) out.push(window);
      return out;
    });
    expect(left).toEqual(['2026-12-02T09:58', '2026-12-02T10:00', '2026-12-02T08', '2026-11-29', '2026-12-02']);
  });
});
