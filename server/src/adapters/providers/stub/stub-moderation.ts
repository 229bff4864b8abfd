import type { ModerationProvider, ModerationResult } from '../../../core/ports/providers';
import type { StubRuntime } from './stub-runtime';

// A small, explicit deny-list: enough to exercise blocking and refunds deterministically.
const DENY: Record<string, RegExp> = {
  violence: /\b(gore|behead(ing)?|massacre)\b|참수|학살/i,
  sexual: /\b(nsfw|explicit nudity)\b|음란/i,
  self_harm: /\b(self-harm|suicide)\b|자해|자살/i,
};

/** Flags text by the deny-list above; the same text always gives the same answer. */
export class StubModerationProvider implements ModerationProvider {
  readonly name = 'stub-moderation';
  constructor(private readonly rt: StubRuntime) {}

  checkText(text: string): Promise<ModerationResult> {
    return this.rt.call('moderation', text, async () => {
      const categories = Object.entries(DENY).filter(([, re]) => re.test(text)).map(([c]) => c);
      return { flagged: categories.length > 0, categories };
    });
  }
}
