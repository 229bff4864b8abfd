import type { GeneratedVideo, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import type { MediaToolkit } from '../../../core/ports/media';
import type { OutputCopies } from '../http/output-copies';
import { animatedWebpToY4m, isAnimatedWebp } from './animated-webp';
import type { ComfyFile, ComfyUiClient } from './comfyui-client';
import { VIDEO_OUTPUT } from '../http/kept-outputs';
import { ComfyUiPredictions } from './comfyui-predictions';
import type { ComfyWorkflow, WorkflowValues } from './comfy-workflow';
import { comfySeed, frameCount, roundSize } from './workflow-values';

export interface ComfyUiVideoOptions {
  /** Text set into the mf_negative node(s); without it the workflow file's own text stays. */
  negativePrompt?: string;
  /** Width and height are rounded to a multiple of this (default 16). */
  sizeMultiple?: number;
  /** Frames per second the graph makes, for mf_frames; default the save node's `fps`/`frame_rate`, else 16. */
  fps?: number;
  /** Largest animated WebP decoded, in width x height x frames (default 64 M). */
  maxAnimatedPixels?: number;
}

/**
 * Videos from a ComfyUI workflow (see comfy-workflow.ts for the node names): the prompt, seed,
 * size and length set in the graph, the request's first frame uploaded into mf_image (a workflow
 * without one makes text-to-video and ignores it; one with it refuses a request without a frame).
 * The saved file (mp4, webm, gif, animated webp...) is conformed to H.264 + AAC MP4; an animated
 * WebP first goes through sharp (animated-webp.ts), as the shipped ffmpeg cannot read one.
 */
export class ComfyUiVideoProvider extends ComfyUiPredictions<VideoRequest, GeneratedVideo> implements VideoProvider {
  constructor(
    client: ComfyUiClient,
    workflow: ComfyWorkflow,
    copies: OutputCopies,
    private readonly media: Pick<MediaToolkit, 'conformVideo'>,
    private readonly opts: ComfyUiVideoOptions = {},
  ) {
    super(client, workflow, copies, 'video', VIDEO_OUTPUT);
  }

  protected async values(req: VideoRequest): Promise<WorkflowValues> {
    const multiple = this.opts.sizeMultiple ?? 16;
    const fps = this.opts.fps ?? this.workflow.fps ?? 16;
    return {
      prompt: req.prompt,
      negative: this.opts.negativePrompt,
      seed: comfySeed(req.seed),
      width: roundSize(req.width, multiple),
      height: roundSize(req.height, multiple),
      images: await this.upload(req.image ? [req.image] : []),
      frames: frameCount(req.durationSec, fps),
      durationSec: req.durationSec,
    };
  }

  protected wants(file: ComfyFile): boolean {
    return /\.(mp4|webm|mov|mkv|m4v|avi|gif|webp)$/i.test(file.filename);
  }

  protected async conform(bytes: Buffer): Promise<GeneratedVideo> {
    const source = isAnimatedWebp(bytes)
      ? await animatedWebpToY4m(bytes, { maxPixels: this.opts.maxAnimatedPixels, fallbackFps: this.opts.fps ?? this.workflow.fps })
      : bytes;
    return this.media.conformVideo(source);
  }
}
