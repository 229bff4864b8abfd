import { describe, expect, it } from 'vitest';
import { messages } from './messages';

describe('messages', () => {
  it('has every key in Korean and English, none empty', () => {
    expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages.ko).sort());
    for (const lang of ['ko', 'en'] as const) {
      for (const [key, text] of Object.entries(messages[lang])) expect(text, `${lang} ${key}`).not.toBe('');
    }
  });
});
