import { describe, expect, it } from 'vitest';
import { parseStubFail } from './failure-injection';

describe('parseStubFail', () => {
  it('never fails without a spec', () => {
    for (const spec of [undefined, '', ' , ']) expect(parseStubFail(spec)('video', 'anything')).toBe(false);
  });

  it('fails whole capabilities, or only prompts containing a substring', () => {
    const failWhen = parseStubFail('video:boom, image');
    expect(failWhen('video', 'a big boom')).toBe(true);
    expect(failWhen('video', 'a quiet walk')).toBe(false);
    expect(failWhen('image', 'anything')).toBe(true);
    expect(failWhen('text', 'boom')).toBe(false);
    expect(parseStubFail('text:a:b')('text', 'xa:by')).toBe(true);
  });

  it('throws on an unknown capability so a typo does not pass silently', () => {
    expect(() => parseStubFail('vidoe')).toThrow(/unknown capability "vidoe"/);
  });
});
