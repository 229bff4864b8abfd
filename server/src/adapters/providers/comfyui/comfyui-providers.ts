import { fileURLToPath } from 'node:url';
import type { MediaToolkit } from '../../../core/ports/media';
import type { ImageProvider, VideoProvider } from '../../../core/ports/providers';
import type { OutputCopies } from '../http/output-copies';
import { ComfyUiClient, type ComfyUiClientOptions } from './comfyui-client';
import { ComfyUiImageProvider } from './comfyui-image';
import { ComfyUiVideoProvider } from './comfyui-video';
import { loadComfyWorkflow } from './comfy-workflow';

/** The example workflows shipped beside this file (see workflows/README.md). */
export const EXAMPLE_WORKFLOWS = {
  image: fileURLToPath(new URL('./workflows/image-sdxl.json', import.meta.url)),
  video: fileURLToPath(new URL('./workflows/video-wan22-ti2v.json', import.meta.url)),
} as const;

export interface ComfyUiProvidersOptions extends ComfyUiClientOptions {
  /** Path of the image workflow in API format (`COMFYUI_IMAGE_WORKFLOW`); no image provider without it. */
  imageWorkflow?: string;
  /** Path of the video workflow in API format (`COMFYUI_VIDEO_WORKFLOW`); no video provider without it. */
  videoWorkflow?: string;
  /** Text for the mf_negative nodes (`COMFYUI_NEGATIVE_PROMPT`); the files' own text when unset. */
  negativePrompt?: string;
  /** Width and height rounded to a multiple of this (default 16). */
  sizeMultiple?: number;
  /** The video graph's frame rate, for mf_frames (`COMFYUI_VIDEO_FPS`); default its save node's, else 16. */
  videoFps?: number;
  copies: OutputCopies;
  media: Pick<MediaToolkit, 'conformImage' | 'conformVideo'>;
}

export interface ComfyUiProviders {
  image?: ImageProvider;
  video?: VideoProvider;
}

/**
 * The ComfyUI image and video providers for the workflows given, sharing one client. Reads and
 * checks each workflow file now, so a file that cannot serve (unreadable, the editor format, no
 * node titled mf_prompt, a named node without the input its name sets) stops the start with a
 * ComfyWorkflowError naming the file and the title. No request reaches ComfyUI here.
 */
export async function createComfyUiProviders(opts: ComfyUiProvidersOptions): Promise<ComfyUiProviders> {
  const client = new ComfyUiClient(opts);
  const shared = { negativePrompt: opts.negativePrompt, sizeMultiple: opts.sizeMultiple };
  const out: ComfyUiProviders = {};
  if (opts.imageWorkflow) {
    const workflow = await loadComfyWorkflow(opts.imageWorkflow, ['mf_prompt']);
    out.image = new ComfyUiImageProvider(client, workflow, opts.copies, opts.media, shared);
  }
  if (opts.videoWorkflow) {
    const workflow = await loadComfyWorkflow(opts.videoWorkflow, ['mf_prompt']);
    out.video = new ComfyUiVideoProvider(client, workflow, opts.copies, opts.media, { ...shared, fps: opts.videoFps });
  }
  return out;
}
