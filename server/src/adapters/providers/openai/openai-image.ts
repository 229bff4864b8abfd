import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { MediaToolkit } from '../../../core/ports/media';
import type { GeneratedImage, ImageProvider, ImageRequest, Prediction } from '../../../core/ports/providers';
import { IMAGE_OUTPUT, keepOutput, readKept } from '../http/kept-outputs';
import type { OutputCopies } from '../http/output-copies';
import { ProviderError } from '../provider-error';
import { isGptImageModel, nearestSize, sizesFor } from './image-sizes';
import { OPENAI, OpenAIClient, type OpenAIConnectionOptions } from './openai-client';

export interface OpenAIImageOptions extends OpenAIConnectionOptions {
  /** `gpt-image-1` (default), `gpt-image-1-mini`, `dall-e-3`... or a gateway's model name. */
  model?: string;
  /** `quality` as the model takes it (`low|medium|high|auto` GPT image; `standard|hd` dall-e-3); unset sends none. */
  quality?: string;
}

export const OPENAI_DEFAULT_IMAGE_MODEL = 'gpt-image-1';
/** GPT image generations take up to a couple of minutes at high quality. */
const IMAGE_TIMEOUT_MS = 180_000;
/** `/images/edits` takes at most 16 images for GPT image models (API reference, `image`). */
const MAX_REFERENCES = 16;

/** Prompt limits in characters (API reference, `prompt`): longer prompts are cut, not refused. */
const promptLimit = (model: string) => (model.startsWith('dall-e-2') ? 1000 : model.startsWith('dall-e-3') ? 4000 : 32000);

/** `{created, data: [{b64_json?, url?, revised_prompt?}], ...}` (API reference, "The image generation response"). */
const ImagesResponse = z.object({
  data: z.array(z.object({ b64_json: z.string().nullish(), url: z.string().nullish() })).min(1, 'no image'),
});

/**
 * Images from OpenAI Images. `POST /images/generations` with the size nearest to the request's
 * (see nearestSize), or with `references` and a GPT image model, `POST /images/edits` (multipart,
 * the references as `image[]` PNGs, at most 16) so the result resembles them; dall-e models, which
 * cannot edit with several references, ignore them. The answer is always base64 (`b64_json`,
 * asked for explicitly from dall-e and gateways; GPT image models answer nothing else), never a
 * URL that expires in an hour. The Images API takes no seed.
 *
 * Synchronous: `submit` makes the call, conforms the image to PNG (`media.conformImage`) and keeps
 * it with OutputCopies; `get` reads it back, or returns null once it is gone. The output's size is
 * the model's (e.g. 1536x1024 for a 1280x720 request), not resized. Ids: `imggen_<random>` (the
 * API gives none).
 */
export class OpenAIImageProvider implements ImageProvider {
  readonly name = OPENAI;
  private readonly client: OpenAIClient;
  readonly model: string;

  constructor(
    private readonly opts: OpenAIImageOptions,
    private readonly copies: OutputCopies,
    private readonly media: Pick<MediaToolkit, 'conformImage'>,
  ) {
    this.client = new OpenAIClient(opts, IMAGE_TIMEOUT_MS);
    this.model = opts.model || OPENAI_DEFAULT_IMAGE_MODEL;
  }

  async submit(req: ImageRequest): Promise<{ id: string }> {
    const size = nearestSize(sizesFor(this.model), req.width, req.height);
    const prompt = req.prompt.slice(0, promptLimit(this.model));
    const gpt = isGptImageModel(this.model);
    const references = gpt ? (req.references ?? []).slice(0, MAX_REFERENCES) : [];
    const res = references.length > 0
      ? await this.client.json(ImagesResponse, { method: 'POST', path: 'images/edits', body: this.editForm(prompt, size, references) })
      : await this.client.json(ImagesResponse, {
        method: 'POST',
        path: 'images/generations',
        json: {
          model: this.model, prompt, size, n: 1,
          ...(gpt ? {} : { response_format: 'b64_json' }),
          ...(this.opts.quality ? { quality: this.opts.quality } : {}),
        },
      });
    const b64 = res.data[0]!.b64_json;
    if (!b64) throw new ProviderError(`${OPENAI} answered without b64_json (a URL only): the server ignores response_format`, false, OPENAI);
    const conformed = await this.media.conformImage(Buffer.from(b64, 'base64')).catch((err: unknown) => {
      throw new ProviderError(`${OPENAI}: the image is not one we can read: ${err instanceof Error ? err.message : String(err)}`, true, OPENAI, { cause: err });
    });
    const id = `imggen_${randomBytes(12).toString('hex')}`;
    await keepOutput(this.copies, OPENAI, id, IMAGE_OUTPUT, conformed);
    return { id };
  }

  async get(id: string): Promise<Prediction<GeneratedImage> | null> {
    const output = await readKept(this.copies, OPENAI, id, IMAGE_OUTPUT);
    return output ? { id, status: 'succeeded', output } : null;
  }

  private editForm(prompt: string, size: string, references: Buffer[]): FormData {
    const form = new FormData();
    form.set('model', this.model);
    form.set('prompt', prompt);
    form.set('size', size);
    form.set('n', '1');
    if (this.opts.quality) form.set('quality', this.opts.quality);
    references.forEach((png, i) => form.append('image[]', new Blob([new Uint8Array(png)], { type: 'image/png' }), `reference-${i + 1}.png`));
    return form;
  }
}
