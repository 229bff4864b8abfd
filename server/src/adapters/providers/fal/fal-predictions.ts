import type { Prediction, PredictionProvider } from '../../../core/ports/providers';
import type { KeptOutputs, OutputKind } from '../http/kept-outputs';
import { mergeModelInput, type ModelInput } from '../http/model-input';
import { fetchOutputFile, outputFileUrls } from '../http/output-files';
import type { FalQueue } from './fal-api';
import { parseFalModel, type FalModel } from './fal-model';

/** What every fal capability adapter shares. */
export interface FalDeps {
  queue: FalQueue;
  outputs: KeptOutputs;
  /** Our webhook route, passed on each submit as `?fal_webhook=`; without it polling alone completes the call. */
  webhookUrl?: string;
  /** One output download's time limit, in ms (default 120 s: a video). */
  downloadTimeoutMs?: number;
}

/** One capability's model and how its output is read. */
export interface FalModelSetup {
  model: FalModel;
  /** The operator's fields laid over the mapped input (FAL_<CAP>_INPUT); null removes a field. */
  extraInput?: ModelInput;
  /** Which output file is the result, among the URLs found in order (default 0, the first). */
  outputIndex?: number;
}

/**
 * A fal queue request as our PredictionProvider (provider-apis.md section 2). `submit` queues the
 * request and returns `<request_id>|<model_id>` (the model is needed to read it back; the webhook
 * routes find the call by the part before the `|`). `get` reads the status: IN_QUEUE is
 * `starting`, IN_PROGRESS `processing`; on COMPLETED the result call says whether it succeeded (the
 * first output file copied at once from fal's CDN and conformed, KeptOutputs) or failed (a 422
 * not retryable, a 5xx retryable). Null when fal no longer knows the request and no copy was kept.
 */
export abstract class FalPredictions<Req, Out> implements PredictionProvider<Req, Out> {
  readonly name = 'fal';

  constructor(
    protected readonly deps: FalDeps,
    protected readonly setup: FalModelSetup,
    private readonly kind: OutputKind<Out>,
  ) {}

  /** The model's input for a request, before the operator's fields. */
  protected abstract input(req: Req): ModelInput;

  get model(): string {
    return this.setup.model.id;
  }

  async submit(req: Req): Promise<{ id: string }> {
    const input = mergeModelInput(this.input(req), this.setup.extraInput ?? {});
    const requestId = await this.deps.queue.submit(this.setup.model, input, this.deps.webhookUrl);
    return { id: `${requestId}|${this.setup.model.id}` };
  }

  async get(id: string): Promise<Prediction<Out> | null> {
    const kept = await this.deps.outputs.read('fal', id, this.kind);
    if (kept) return { id, status: 'succeeded', output: kept };
    const target = this.target(id);
    if (!target) return null;
    const status = await this.deps.queue.status(target.model, target.requestId);
    if (status === null) return null;
    if (status === 'IN_QUEUE') return { id, status: 'starting' };
    if (status === 'IN_PROGRESS') return { id, status: 'processing' };
    const result = await this.deps.queue.result(target.model, target.requestId);
    if (result === null) return null;
    if (!result.ok) return { id, status: 'failed', error: { message: result.message, retryable: result.retryable } };
    const urls = outputFileUrls(result.output);
    const index = this.setup.outputIndex ?? 0;
    const url = urls[index];
    if (!url) {
      return { id, status: 'failed', error: { message: `fal: ${target.model.id} gave ${urls.length} output file(s), none at index ${index}`, retryable: false } };
    }
    return this.deps.outputs.settle('fal', id, this.kind, () => fetchOutputFile(this.deps.queue.http, url, this.deps.downloadTimeoutMs ?? 120_000));
  }

  /** The request id and model of a prediction id; an id without a model is this adapter's model. Null when unreadable. */
  private target(id: string): { requestId: string; model: FalModel } | null {
    const bar = id.indexOf('|');
    const requestId = bar < 0 ? id : id.slice(0, bar);
    if (!requestId) return null;
    if (bar < 0) return { requestId, model: this.setup.model };
    try {
      return { requestId, model: parseFalModel(id.slice(bar + 1)) };
    } catch {
      return null;
    }
  }
}
