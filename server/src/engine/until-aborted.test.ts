import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../core/jobs/step-errors';
import { untilAborted } from './step-run';

describe('untilAborted', () => {
  it('leaves no listener on the run\'s signal once each step has settled, however many steps share it', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 40; i++) await untilAborted(Promise.resolve(i), controller.signal);
    await expect(untilAborted(Promise.reject(new Error('step failed')), controller.signal)).rejects.toThrow('step failed');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the abort\'s reason as soon as the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const pending = untilAborted(new Promise(() => {}), controller.signal);
    controller.abort(new LeaseLostError('lease lost'));
    await expect(pending).rejects.toBeInstanceOf(LeaseLostError);
    await expect(untilAborted(Promise.resolve(1), controller.signal)).rejects.toThrow('lease lost');
  });
});
