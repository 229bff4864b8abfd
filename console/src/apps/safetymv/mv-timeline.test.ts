import { describe, expect, it } from 'vitest';
import { addedRow, timelineProblems, type SceneRow } from './mv-timeline';

const rows = (...times: [string, string][]): SceneRow[] => times.map(([start, end]) => ({ start, end, description: '장면' }));

describe('the review editor\'s timeline check (the server\'s rules)', () => {
  it('accepts scenes from 0 to the length without gaps, each at least 2 s', () => {
    expect(timelineProblems(rows(['0', '10'], ['10', '28'], ['28', '30']), 30)).toEqual([]);
  });

  it('names a gap, an overlap, a short scene, a wrong start and end, a missing description', () => {
    expect(timelineProblems(rows(['0', '10'], ['12', '30']), 30)).toEqual([{ kind: 'gap', n: 1, next: 2, end: 10, start: 12 }]);
    expect(timelineProblems(rows(['0', '12'], ['10', '30']), 30)).toEqual([{ kind: 'overlap', n: 1, next: 2, end: 12, start: 10 }]);
    expect(timelineProblems(rows(['0', '1.5'], ['1.5', '30']), 30)).toEqual([{ kind: 'short', n: 1, seconds: 1.5, min: 2 }]);
    expect(timelineProblems(rows(['1', '30']), 30)).toEqual([{ kind: 'firstStart', start: 1 }]);
    expect(timelineProblems(rows(['0', '25']), 30)).toEqual([{ kind: 'lastEnd', end: 25, length: 30 }]);
    expect(timelineProblems([{ start: '0', end: '30', description: ' ' }], 30)).toEqual([{ kind: 'noDescription', n: 1 }]);
    expect(timelineProblems(rows(['0', '']), 30)).toEqual([{ kind: 'notNumber', n: 1 }]);
    expect(timelineProblems([], 30)).toEqual([{ kind: 'empty' }]);
  });

  it('adds a scene by halving the last one, so the timeline stays whole', () => {
    const added = addedRow(rows(['0', '20'], ['20', '30']), 30);
    expect(added.map((r) => [r.start, r.end])).toEqual([['0', '20'], ['20', '25'], ['25', '30']]);
    expect(timelineProblems(added.map((r) => ({ ...r, description: 'x' })), 30)).toEqual([]);
  });
});
