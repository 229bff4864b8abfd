import type { ModerationProvider, ModerationResult } from '../../../core/ports/providers';
import type { StubRuntime } from './stub-runtime';

// A small, explicit deny-list: enough to exercise blocking and refunds deterministically.
const DENY: Record<string, RegExp> = {
  violence: /\b(gore|behead|massacre)\b|참수|학살/i,
  sexual: /\b(nsfw|explicit nudity)\b|음란/i,
  self_harm: /\b(self-harm|suicide)\b|자해|자살/i,
};

export class StubModerationProvider implements ModerationProvider {
  readonly name = 'stub-moderation';
  constructor(private readonly rt: StubRuntime) {}

  async checkText(text: string): Promise<ModerationResult> {
    await this.rt.enter('moderation', text);
    const categories = Object.entries(DENY).filter(([, re]) => re.test(text)).map(([c]) => c);
    return { flagged: categories.length > 0, categories };
  }
}
