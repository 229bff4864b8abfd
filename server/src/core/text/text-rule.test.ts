import { describe, expect, it } from 'vitest';
import { findTextFault, textFault } from './text-rule';

describe('the text rule', () => {
  it('refuses NUL and lone surrogates, keeps every whole character', () => {
    for (const bad of ['\u0000', 'a\u0000', 'abc\ud83d', '\udc00', '\ude00\ud83d']) expect(textFault(bad), JSON.stringify(bad)).not.toBeNull();
    for (const good of ['', 'abc', '😀', '👨\u200d👩\u200d👧', '\u2060', '\ufffd', '\uffff', '\u0001', 'é']) expect(textFault(good), JSON.stringify(good)).toBeNull();
  });

  it('finds the first broken text at any depth, keys included, with its path', () => {
    expect(findTextFault({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toMatchObject({ path: 'a.1.c' });
    expect(findTextFault({ a: { 'k\ud83d': 1 } })).toMatchObject({ path: 'a."k\\ud83d"' });
    expect(findTextFault({ a: 1, b: null, c: [true, 'fine'] })).toBeNull();
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextFault(deep)?.fault).toMatch(/U\+0000/);
  });
});
