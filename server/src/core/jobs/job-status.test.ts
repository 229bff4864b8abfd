import { describe, expect, it } from 'vitest';
import { allowedSources, canTransition, declareTransition, hopsOf, isTerminal, JOB_STATUSES, type JobStatus } from './job-status';

describe('job state machine', () => {
  const allowed: [JobStatus, JobStatus][] = [
    ['draft', 'queued'], ['draft', 'cancelled'],
    ['queued', 'running'], ['queued', 'cancelled'], ['queued', 'failed'],
    ['running', 'running'], ['running', 'waiting'], ['running', 'queued'], ['running', 'completed'], ['running', 'failed'], ['running', 'cancelled'],
    ['waiting', 'queued'], ['waiting', 'failed'], ['waiting', 'cancelled'],
    ['failed', 'queued'],
  ];

  it('allows exactly the transitions of the table', () => {
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(expected);
      }
    }
  });

  it('never leaves a terminal status, except a failed job an admin retries (failed -> queued)', () => {
    for (const from of ['completed', 'failed', 'cancelled'] as const) {
      expect(isTerminal(from)).toBe(true);
      for (const to of JOB_STATUSES) expect(canTransition(from, to)).toBe(from === 'failed' && to === 'queued');
    }
  });

  it('lists the sources of a target', () => {
    expect(allowedSources('completed')).toEqual(['running']);
    expect(allowedSources('queued').sort()).toEqual(['draft', 'failed', 'running', 'waiting']);
  });

  it('declares a statement\'s transition only along edges of the table', () => {
    expect(declareTransition({ to: 'running' }).from).toEqual(allowedSources('running'));
    const claimAndComplete = declareTransition({ from: ['queued'], via: ['running'], to: 'completed' });
    expect(hopsOf(claimAndComplete, 'queued')).toEqual([['queued', 'running'], ['running', 'completed']]);
    expect(() => declareTransition({ from: ['queued'], to: 'completed' })).toThrow(/no queued -> completed/);
    expect(() => declareTransition({ from: ['completed'], to: 'running' })).toThrow(/no completed -> running/);
    expect(() => declareTransition({ from: ['draft'], via: ['queued'], to: 'waiting' })).toThrow(/no queued -> waiting/);
  });
});
