import type { Prediction, PredictionProvider } from '../../../core/ports/providers';
import type { KeptOutputs, OutputKind } from '../http/kept-outputs';
import { mergeModelInput, pngDataUrl, type ModelInput } from '../http/model-input';
import { fetchOutputFile, outputFileUrls } from '../http/output-files';
import type { ReplicateApi } from './replicate-api';
import { replicateModelName, type ReplicateModel } from './replicate-model';

/** What every Replicate capability adapter shares. */
export interface ReplicateDeps {
  api: ReplicateApi;
  outputs: KeptOutputs;
  /** Our webhook route, passed on each create (`webhook`, events `completed`); without it polling alone completes the call. */
  webhookUrl?: string;
  /** `Cancel-After` on each create (default `30m`: Replicate's own limit for a running prediction). */
  cancelAfter?: string;
  /** One output download's time limit, in ms (default 120 s: a video). */
  downloadTimeoutMs?: number;
  /** Input files up to this size go as data URLs, larger ones through the files API (default 256 KB, Replicate's advice). */
  maxDataUrlBytes?: number;
}

/** One capability's model and how its output is read. */
export interface ReplicateModelSetup {
  model: ReplicateModel;
  /** The operator's fields laid over the mapped input (REPLICATE_<CAP>_INPUT); null removes a field. */
  extraInput?: ModelInput;
  /** Which output file is the result, among the URLs found in order (default 0, the first). */
  outputIndex?: number;
}

export const DEFAULT_CANCEL_AFTER = '30m';

/**
 * A Replicate prediction as our PredictionProvider (provider-apis.md section 1). `submit` creates
 * the prediction and returns Replicate's id. `get` reads it: `starting`/`processing` as they are;
 * `succeeded` copies the chosen output file into our storage at once and conforms it (KeptOutputs);
 * `failed`, `canceled` and `aborted` fail retryably (input Replicate refuses is a 422 at create,
 * thrown by submit and not retryable; what fails after is the run: a crash, a deadline, a cancel).
 * The prediction is null (the caller submits again) when Replicate answers 404 or has removed the
 * data (`data_removed`, an hour after) and no copy was kept.
 */
export abstract class ReplicatePredictions<Req, Out> implements PredictionProvider<Req, Out> {
  readonly name = 'replicate';

  constructor(
    protected readonly deps: ReplicateDeps,
    protected readonly setup: ReplicateModelSetup,
    private readonly kind: OutputKind<Out>,
  ) {}

  /** The model's input for a request, before the operator's fields. */
  protected abstract input(req: Req): ModelInput | Promise<ModelInput>;

  /**
   * An input image as a model takes it: a data URL up to `maxDataUrlBytes` (Replicate advises data
   * URLs only up to 256 KB), else uploaded with `POST /v1/files` and given by its URL.
   */
  protected async imageInput(png: Buffer): Promise<string> {
    if (png.length <= (this.deps.maxDataUrlBytes ?? 256 * 1024)) return pngDataUrl(png);
    return this.deps.api.uploadFile(png, 'image/png', 'image.png');
  }

  /** The model, as written (for records and messages). */
  get model(): string {
    return replicateModelName(this.setup.model);
  }

  async submit(req: Req): Promise<{ id: string }> {
    const input = mergeModelInput(await this.input(req), this.setup.extraInput ?? {});
    const created = await this.deps.api.create(this.setup.model, input, {
      webhookUrl: this.deps.webhookUrl,
      cancelAfter: this.deps.cancelAfter ?? DEFAULT_CANCEL_AFTER,
    });
    return { id: created.id };
  }

  async get(id: string): Promise<Prediction<Out> | null> {
    const kept = await this.deps.outputs.read('replicate', id, this.kind);
    if (kept) return { id, status: 'succeeded', output: kept };
    const p = await this.deps.api.get(id);
    if (!p) return null;
    switch (p.status) {
      case 'starting':
      case 'processing':
        return { id, status: p.status };
      case 'failed':
        return { id, status: 'failed', error: { message: `replicate: the prediction failed: ${errorText(p.error)}`, retryable: true } };
      case 'canceled':
      case 'aborted':
        return { id, status: 'failed', error: { message: `replicate: the prediction was ${p.status} (its Cancel-After deadline, or a cancel)`, retryable: true } };
      case 'succeeded':
        break;
    }
    if (p.data_removed) return null;
    if (p.output === null || p.output === undefined) {
      return { id, status: 'failed', error: { message: `replicate: ${this.model} succeeded without an output`, retryable: true } };
    }
    const urls = outputFileUrls(p.output);
    const index = this.setup.outputIndex ?? 0;
    const url = urls[index];
    if (!url) {
      return { id, status: 'failed', error: { message: `replicate: ${this.model} gave ${urls.length} output file(s), none at index ${index}`, retryable: false } };
    }
    return this.deps.outputs.settle('replicate', id, this.kind, () => fetchOutputFile(this.deps.api.http, url, this.deps.downloadTimeoutMs ?? 120_000));
  }
}

const errorText = (error: unknown) => (typeof error === 'string' && error ? error.slice(0, 500) : error ? JSON.stringify(error).slice(0, 500) : 'no reason given');
