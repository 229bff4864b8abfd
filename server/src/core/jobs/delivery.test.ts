import { describe, expect, it } from 'vitest';
import { deliveredAnything, deliveredAssets, isDelivered } from './delivery';

describe('delivery rule', () => {
  const items = [{ idx: 0, status: 'done' as const }, { idx: 1, status: 'failed' as const }, { idx: 2, status: 'running' as const }];
  it('delivers a job-level asset only once the job completed', () => {
    for (const status of ['running', 'waiting', 'cancelled', 'failed'] as const) expect(isDelivered({ itemIdx: null }, { status }, [])).toBe(false);
    expect(isDelivered({ itemIdx: null }, { status: 'completed' }, [])).toBe(true);
  });
  it("delivers an item's asset once that item is done, whatever the job's status", () => {
    const assets = [0, 1, 2, 3].map((itemIdx) => ({ itemIdx }));
    for (const status of ['running', 'cancelled', 'failed', 'completed'] as const) {
      expect(deliveredAssets({ status }, items, assets)).toEqual([{ itemIdx: 0 }]);
    }
  });
  it('counts a done item or a completed job as something delivered', () => {
    expect(deliveredAnything({ status: 'cancelled' }, items)).toBe(true);
    expect(deliveredAnything({ status: 'cancelled' }, [{ status: 'failed' }])).toBe(false);
    expect(deliveredAnything({ status: 'completed' }, [])).toBe(true);
    expect(deliveredAnything({ status: 'failed' }, [])).toBe(false);
  });
});
