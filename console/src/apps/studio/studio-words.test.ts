import { describe, expect, it } from 'vitest';
import type { MessageKey } from '../../platform/i18n/messages';
import { choiceWords, priceWords, shownStatus } from './studio-words';
import { messages } from './test-kit';

const en = (key: MessageKey, vars?: Record<string, string | number>) =>
  Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages.en[key]);

describe('the studio’s words for values', () => {
  it('prices: free, one credit, credits', () => {
    expect([0, 1, 5].map((n) => priceWords(n, en))).toEqual(['free', '1 credit', '5 credits']);
  });

  it('names a choice it knows, and shows one the server added since as the server spells it', () => {
    expect(choiceWords('ratio', '16:9', en)).toBe('Widescreen 16:9');
    expect(choiceWords('style', 'claymation', en)).toBe('claymation');
  });

  it('shows a job’s status as the server shows a video’s', () => {
    expect(['draft', 'queued', 'running', 'waiting', 'in_progress', 'completed', 'failed', 'cancelled'].map(shownStatus))
      .toEqual(['queued', 'queued', 'in_progress', 'in_progress', 'in_progress', 'completed', 'failed', 'cancelled']);
  });
});
