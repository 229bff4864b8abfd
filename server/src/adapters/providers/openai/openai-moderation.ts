import { z } from 'zod';
import type { ModerationProvider, ModerationResult } from '../../../core/ports/providers';
import { OPENAI, OpenAIClient, type OpenAIConnectionOptions } from './openai-client';

export interface OpenAIModerationOptions extends OpenAIConnectionOptions {
  /** `omni-moderation-latest` (default) or another moderation model. */
  model?: string;
}

export const OPENAI_DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';
/** Moderation answers in well under a second; a slow one is retried soon. */
const MODERATION_TIMEOUT_MS = 15_000;

/** `{id, model, results: [{flagged, categories: {name: bool}, ...}]}` (API reference, "The moderation object"). */
const Moderation = z.object({
  results: z.array(z.object({ flagged: z.boolean(), categories: z.record(z.string(), z.boolean().nullish()) })).min(1, 'no result'),
});

/**
 * Text moderation by OpenAI's `POST /moderations`: flagged, and the names of the categories that
 * flagged it (`harassment`, `self-harm/intent`, `sexual/minors`, ...), as the API names them.
 */
export class OpenAIModerationProvider implements ModerationProvider {
  readonly name = OPENAI;
  private readonly client: OpenAIClient;

  /** The model each check asks for (recorded with the call). */
  get model(): string {
    return this.opts.model || OPENAI_DEFAULT_MODERATION_MODEL;
  }

  constructor(private readonly opts: OpenAIModerationOptions) {
    this.client = new OpenAIClient(opts, MODERATION_TIMEOUT_MS);
  }

  async checkText(text: string): Promise<ModerationResult> {
    const res = await this.client.json(Moderation, {
      method: 'POST',
      path: 'moderations',
      json: { model: this.model, input: text },
    });
    const result = res.results[0]!;
    const categories = Object.entries(result.categories).filter(([, on]) => on === true).map(([name]) => name);
    return { flagged: result.flagged, categories };
  }
}
