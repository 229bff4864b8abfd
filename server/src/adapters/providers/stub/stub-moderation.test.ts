import { describe, expect, it } from 'vitest';
import { StubModerationProvider } from './stub-moderation';
import { StubRuntime } from './stub-runtime';

const moderation = new StubModerationProvider(new StubRuntime(0, () => false));

describe('StubModerationProvider', () => {
  it('passes ordinary text in English and Korean', async () => {
    for (const text of ['a walk on the beach', '가족과 함께한 여름 바다', 'a horror film with a suspenseful score']) {
      expect(await moderation.checkText(text)).toEqual({ flagged: false, categories: [] });
    }
  });

  it('flags deny-listed terms with their categories', async () => {
    expect(await moderation.checkText('an explicit gore scene')).toEqual({ flagged: true, categories: ['violence'] });
    expect(await moderation.checkText('참수 장면과 자해 묘사')).toEqual({ flagged: true, categories: ['violence', 'self_harm'] });
    expect((await moderation.checkText('NSFW content')).categories).toEqual(['sexual']);
  });
});
