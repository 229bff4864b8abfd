import type { Prediction, PredictionProvider } from '../../../core/ports/providers';
import { keepOutput, readKept, type OutputKind } from '../http/kept-outputs';
import type { OutputCopies } from '../http/output-copies';
import { ProviderError } from '../provider-error';
import { outputFiles, type ComfyFile, type ComfyUiClient, type HistoryEntry } from './comfyui-client';
import { fillWorkflow, type ComfyWorkflow, type WorkflowValues } from './comfy-workflow';

const PROVIDER = 'comfyui';

/**
 * A capability served by a ComfyUI workflow. `submit` uploads the request's images, fills the
 * named inputs (comfy-workflow.ts) and queues the graph: the prediction id is ComfyUI's prompt_id.
 * `get` reads `/history/{id}` (then `/queue` while there is no history): pending is `starting`,
 * running `processing`, neither `null` (lost: ComfyUI restarted, or its history was cleared).
 * On success the output file is fetched from `/view`, conformed and kept with OutputCopies at once
 * (conformed, so a later read costs no ffmpeg run); every later `get` is served from the copy,
 * without asking ComfyUI. ComfyUI has no webhooks: polling completes the call.
 */
export abstract class ComfyUiPredictions<Req, Out> implements PredictionProvider<Req, Out> {
  readonly name = PROVIDER;

  constructor(
    protected readonly client: ComfyUiClient,
    protected readonly workflow: ComfyWorkflow,
    private readonly copies: OutputCopies,
    /** `image` or `video`: the words of messages. */
    private readonly kind: 'image' | 'video',
    /** How the output is kept and read back (kept-outputs.ts IMAGE_OUTPUT, VIDEO_OUTPUT). */
    private readonly output: OutputKind<Out>,
  ) {}

  /** The values the request sets in the graph (images already uploaded). */
  protected abstract values(req: Req): Promise<WorkflowValues>;
  /** Whether a saved file is the kind this capability takes, by its name. */
  protected abstract wants(file: ComfyFile): boolean;
  /** The provider's file as the port's output. */
  protected abstract conform(bytes: Buffer): Promise<Out>;

  async submit(req: Req): Promise<{ id: string }> {
    const graph = fillWorkflow(this.workflow, await this.values(req));
    return { id: await this.client.queuePrompt(graph, this.workflow.file) };
  }

  async get(id: string): Promise<Prediction<Out> | null> {
    const kept = await readKept(this.copies, PROVIDER, id, this.output);
    if (kept) return { id, status: 'succeeded', output: kept };
    const at = await this.client.state(id);
    switch (at.state) {
      case 'pending': return { id, status: 'starting' };
      case 'running': return { id, status: 'processing' };
      case 'unknown': return null;
      case 'done': return this.settled(id, at.entry);
    }
  }

  /** Uploads the images a request brings for the workflow's mf_image nodes, refusing a request that lacks one the graph needs. */
  protected async upload(images: Buffer[]): Promise<string[] | undefined> {
    const wanted = this.workflow.images.length;
    if (wanted === 0) return undefined;
    if (images.length < wanted) {
      throw new ProviderError(
        `${PROVIDER}: the ${this.kind} workflow ${this.workflow.file} takes ${wanted} image(s) (mf_image${wanted > 1 ? ` ... mf_image_${wanted}` : ''}) and the request brings ${images.length}`,
        false, PROVIDER,
      );
    }
    const names: string[] = [];
    for (const png of images.slice(0, wanted)) names.push(await this.client.uploadImage(png));
    return names;
  }

  private async settled(id: string, entry: HistoryEntry): Promise<Prediction<Out>> {
    const status = entry.status?.status_str;
    if (status === 'error' || (status === undefined && entry.status?.completed === false)) {
      return { id, status: 'failed', error: executionFailure(entry) };
    }
    const file = this.pick(entry);
    if (!file) {
      return {
        id, status: 'failed',
        error: { message: `${PROVIDER}: the ${this.kind} workflow ${this.workflow.file} finished without a ${this.kind} file${this.workflow.output ? ` from its mf_output node ${this.workflow.output}` : ' (title its save node mf_output)'}`, retryable: false },
      };
    }
    let kept: Out;
    try {
      kept = await this.keep(id, file);
    } catch (err) {
      // Gone from ComfyUI's disk (404): running the prompt again makes it again.
      if (err instanceof ProviderError && err.status === 404) return { id, status: 'failed', error: { message: err.message, retryable: true } };
      // ComfyUI unreachable or slow: the next poll tries again.
      if (err instanceof ProviderError && err.retryable) throw err;
      if (err instanceof ProviderError) return { id, status: 'failed', error: { message: err.message, retryable: false } };
      return { id, status: 'failed', error: { message: `${PROVIDER}: the ${this.kind} output ${file.filename} cannot be used: ${err instanceof Error ? err.message : String(err)}`, retryable: false } };
    }
    return { id, status: 'succeeded', output: kept };
  }

  /** mf_output's file when the workflow names one, else the first node's; saved outputs before previews (`temp`). */
  private pick(entry: HistoryEntry): ComfyFile | undefined {
    const nodes = this.workflow.output ? [entry.outputs[this.workflow.output] ?? {}] : Object.values(entry.outputs);
    const files = nodes.flatMap((o) => outputFiles(o));
    const ranked = [...files.filter((f) => f.type === 'output'), ...files.filter((f) => f.type !== 'output')];
    return ranked.find((f) => this.wants(f)) ?? ranked[0];
  }

  private async keep(id: string, file: ComfyFile): Promise<Out> {
    const { bytes } = await this.client.view(file);
    const out = await this.conform(bytes);
    await keepOutput(this.copies, PROVIDER, id, this.output, out);
    return out;
  }
}

/**
 * A failed prompt's error from its history messages: `execution_error` `{node_id, node_type,
 * exception_type, exception_message}` or `execution_interrupted` (provider-apis.md section 7).
 * Retryable when it looks like the GPU ran out of memory (another run, or another provider, may
 * fit) or someone interrupted it; otherwise the same graph fails the same way.
 */
export function executionFailure(entry: HistoryEntry): { message: string; retryable: boolean } {
  const messages = entry.status?.messages ?? [];
  const data = (event: string) => messages.find((m) => m[0] === event)?.[1] as Record<string, unknown> | undefined;
  const error = data('execution_error');
  if (error) {
    const node = error.node_id !== undefined ? `node ${String(error.node_id)}${error.node_type ? ` (${String(error.node_type)})` : ''}` : 'a node';
    const what = [error.exception_type, error.exception_message].filter((s) => typeof s === 'string' && s.trim()).map((s) => String(s).trim()).join(': ');
    const text = `${PROVIDER}: ${node} failed: ${what || 'no message'}`;
    return { message: text.length > 600 ? `${text.slice(0, 600)}…` : text, retryable: OUT_OF_MEMORY.test(what) };
  }
  const interrupted = data('execution_interrupted');
  if (interrupted) {
    return { message: `${PROVIDER}: the prompt was interrupted${interrupted.node_id !== undefined ? ` at node ${String(interrupted.node_id)}` : ''}`, retryable: true };
  }
  return { message: `${PROVIDER}: the prompt failed without an error message (status ${entry.status?.status_str ?? 'unknown'})`, retryable: false };
}

/** PyTorch's `torch.OutOfMemoryError` / "CUDA out of memory", MPS's and HIP's, cuBLAS allocation failures. */
const OUT_OF_MEMORY = /out of memory|OutOfMemory|\bOOM\b|CUBLAS_STATUS_ALLOC_FAILED|Allocation on device/i;
