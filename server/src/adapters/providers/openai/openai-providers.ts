import type { MediaToolkit } from '../../../core/ports/media';
import type { ModerationProvider } from '../../../core/ports/providers';
import type { OutputCopies } from '../http/output-copies';
import type { OpenAIConnectionOptions } from './openai-client';
import { OpenAIImageProvider, type OpenAIImageOptions } from './openai-image';
import { OpenAIModerationProvider, type OpenAIModerationOptions } from './openai-moderation';
import { OpenAITextProvider, type OpenAITextOptions } from './openai-text';
import { OpenAIVideoProvider, type OpenAIVideoOptions } from './openai-video';

export { OPENAI, OPENAI_DEFAULT_BASE_URL, type OpenAIConnectionOptions } from './openai-client';
export { OPENAI_DEFAULT_IMAGE_MODEL } from './openai-image';
export { OPENAI_DEFAULT_MODERATION_MODEL } from './openai-moderation';
export { OPENAI_DEFAULT_VIDEO_MODEL } from './openai-video';
export { parseOpenAIWebhookEvent } from './openai-webhook-event';
export { OpenAIImageProvider, OpenAIModerationProvider, OpenAITextProvider, OpenAIVideoProvider };
export type { OpenAIImageOptions, OpenAIModerationOptions, OpenAITextOptions, OpenAIVideoOptions };

/** A small, cheap chat model that does structured output; set OPENAI_TEXT_MODEL for a local server's. */
export const OPENAI_DEFAULT_TEXT_MODEL = 'gpt-4.1-mini';

/** What the adapters need besides their options: where outputs are kept, and the media conformers. */
export interface OpenAIDeps {
  copies: OutputCopies;
  media: Pick<MediaToolkit, 'conformImage' | 'conformVideo'>;
}

/**
 * Plain options, as the environment gives them (names proposed: OPENAI_API_KEY, OPENAI_BASE_URL,
 * OPENAI_TEXT_MODEL, OPENAI_TEXT_TEMPERATURE, OPENAI_IMAGE_MODEL, OPENAI_VIDEO_MODEL,
 * OPENAI_MODERATION_MODEL). Every field is optional; unset models take the defaults above.
 */
export interface OpenAIOptions extends Omit<OpenAIConnectionOptions, 'timeoutMs'> {
  textModel?: string;
  textTemperature?: number;
  imageModel?: string;
  videoModel?: string;
  moderationModel?: string;
}

export const createOpenAITextProvider = (opts: OpenAIOptions, deps: Pick<OpenAIDeps, 'copies'>) =>
  new OpenAITextProvider({ ...connection(opts), model: opts.textModel || OPENAI_DEFAULT_TEXT_MODEL, temperature: opts.textTemperature }, deps.copies);

export const createOpenAIImageProvider = (opts: OpenAIOptions, deps: OpenAIDeps) =>
  new OpenAIImageProvider({ ...connection(opts), model: opts.imageModel }, deps.copies, deps.media);

export const createOpenAIVideoProvider = (opts: OpenAIOptions, deps: OpenAIDeps) =>
  new OpenAIVideoProvider({ ...connection(opts), model: opts.videoModel }, deps.copies, deps.media);

export const createOpenAIModerationProvider = (opts: OpenAIOptions): ModerationProvider =>
  new OpenAIModerationProvider({ ...connection(opts), model: opts.moderationModel });

const connection = (opts: OpenAIOptions): OpenAIConnectionOptions => ({
  baseUrl: opts.baseUrl, apiKey: opts.apiKey, retries: opts.retries, sleep: opts.sleep, random: opts.random,
});
