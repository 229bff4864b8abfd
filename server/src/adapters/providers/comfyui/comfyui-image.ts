import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import type { MediaToolkit } from '../../../core/ports/media';
import type { OutputCopies } from '../http/output-copies';
import type { ComfyFile, ComfyUiClient } from './comfyui-client';
import { IMAGE_OUTPUT } from '../http/kept-outputs';
import { ComfyUiPredictions } from './comfyui-predictions';
import type { ComfyWorkflow, WorkflowValues } from './comfy-workflow';
import { comfySeed, roundSize } from './workflow-values';

export interface ComfyUiImageOptions {
  /** Text set into the mf_negative node(s); without it the workflow file's own text stays. */
  negativePrompt?: string;
  /** Width and height are rounded to a multiple of this (default 16: SDXL's latents need 8, most video models 16). */
  sizeMultiple?: number;
}

/**
 * Images from a ComfyUI workflow (see comfy-workflow.ts for the node names): the prompt, seed and
 * size set in the graph, the request's reference images uploaded into the mf_image nodes (a
 * workflow without one ignores them), the first saved image (png, jpeg or webp) conformed to PNG.
 * The size is the request's, rounded; the output reports the size ComfyUI actually made.
 */
export class ComfyUiImageProvider extends ComfyUiPredictions<ImageRequest, GeneratedImage> implements ImageProvider {
  constructor(
    client: ComfyUiClient,
    workflow: ComfyWorkflow,
    copies: OutputCopies,
    private readonly media: Pick<MediaToolkit, 'conformImage'>,
    private readonly opts: ComfyUiImageOptions = {},
  ) {
    super(client, workflow, copies, 'image', IMAGE_OUTPUT);
  }

  protected async values(req: ImageRequest): Promise<WorkflowValues> {
    const multiple = this.opts.sizeMultiple ?? 16;
    return {
      prompt: req.prompt,
      negative: this.opts.negativePrompt,
      seed: comfySeed(req.seed),
      width: roundSize(req.width, multiple),
      height: roundSize(req.height, multiple),
      images: await this.upload(req.references ?? []),
    };
  }

  protected wants(file: ComfyFile): boolean {
    return /\.(png|jpe?g|webp)$/i.test(file.filename);
  }

  protected conform(bytes: Buffer): Promise<GeneratedImage> {
    return this.media.conformImage(bytes);
  }
}
