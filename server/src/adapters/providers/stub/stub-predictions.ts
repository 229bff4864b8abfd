import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Prediction, PredictionProvider, PredictionStatus, SubmitOptions } from '../../../core/ports/providers';
import type { ProviderError } from '../provider-error';
import type { Capability } from './failure-injection';
import type { StubRuntime } from './stub-runtime';

interface Held<Out> {
  status: PredictionStatus;
  output?: Out;
  error?: { message: string; retryable: boolean };
}

export interface StubPredictionOptions {
  /** How long a settled prediction can still be read (Replicate keeps them an hour; a stub needs less). Default 10 min. */
  retentionMs?: number;
  /** How long past its ready time another process's prediction is reported as processing, not lost: time for its owner's webhook, due at the ready time (or later when it queued for capacity). Default 10 s. */
  foreignGraceMs?: number;
  /**
   * How many predictions of this provider work at once (default: this machine's parallelism); the
   * others are `starting`, first submitted first, as a provider queues on its own capacity.
   */
  capacity?: number;
}

/**
 * The prediction store every stub generation provider shares (text, image, video, music).
 *
 * `submit` checks the request (`check`: a request out of bounds is refused by submit, as a real API
 * refuses it with a 422), starts the work (`produce`) at once and returns an id. Without a latency
 * the prediction has settled when submit returns (no webhook is called). With STUB_LATENCY_MS
 * (`rt.latencyMs`) submit returns at once and the prediction settles `latencyMs` after it, or when
 * the work ends if that is later; then the webhook is called, once. STUB_FAIL makes the prediction
 * fail (not the submit), as a model failure would; a crash of the stub's own tooling fails it as
 * retryable. At most `capacity` predictions work at once; the others wait their turn, `starting`.
 *
 * Predictions live in the process that took them and are forgotten `retentionMs` after they
 * settle, or when the process stops: `get` then returns null and the caller submits again. That is
 * also what a real provider's expiry asks of the caller, and the output stays deterministic, since
 * the request is the same. Several worker processes each have a stub of their own, and any of them
 * may poll a job: an id names its process and ready time (`<prefix>_<process>_<readyAt>_<random>`),
 * so another process reports it as processing until `foreignGraceMs` past its ready time, leaving
 * its own process (whose webhook and polls find it) to settle it, and as lost after that (the
 * process is presumably gone).
 */
export abstract class StubPredictions<Req, Out> implements PredictionProvider<Req, Out> {
  abstract readonly name: string;
  private readonly predictions = new Map<string, Held<Out>>();
  private readonly origin = randomBytes(4).toString('hex');
  private readonly retentionMs: number;
  private readonly foreignGraceMs: number;
  private readonly capacity: number;
  private working = 0;
  /** Predictions waiting for capacity, first submitted first. */
  private readonly turns: (() => void)[] = [];

  constructor(
    protected readonly rt: StubRuntime,
    private readonly capability: Capability,
    /** The ids' first part, e.g. `stubvid`: no underscore. */
    private readonly prefix: string,
    opts: StubPredictionOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? 10 * 60_000;
    this.foreignGraceMs = opts.foreignGraceMs ?? 10_000;
    this.capacity = Math.max(1, opts.capacity ?? availableParallelism());
  }

  /** Throws ProviderError (invalidRequest) for a request the provider refuses at submit. */
  protected abstract check(req: Req): void;
  /** What STUB_FAIL's substring is matched against. */
  protected abstract prompt(req: Req): string;
  /** The work itself; a ProviderError it throws fails the prediction as it says. */
  protected abstract produce(req: Req): Promise<Out>;

  async submit(req: Req, opts: SubmitOptions = {}): Promise<{ id: string }> {
    this.check(req);
    const id = `${this.prefix}_${this.origin}_${(Date.now() + this.rt.latencyMs).toString(36)}_${randomBytes(8).toString('hex')}`;
    const held: Held<Out> = { status: this.working < this.capacity ? 'processing' : 'starting' };
    this.predictions.set(id, held);
    const settled = this.settle(id, held, req);
    if (this.rt.latencyMs === 0) {
      await settled;
      return { id };
    }
    const { webhook } = opts;
    if (webhook) {
      void settled.then(() => {
        try {
          webhook({ id, status: held.status });
        } catch {
          // The caller's webhook is its own business; a poll still finds the prediction.
        }
      });
    }
    return { id };
  }

  async get(id: string): Promise<Prediction<Out> | null> {
    const p = this.predictions.get(id);
    if (!p) {
      const [prefix, origin, readyAt] = id.split('_');
      const foreign = prefix === this.prefix && origin !== undefined && origin !== this.origin;
      return foreign && Date.now() < parseInt(readyAt ?? '0', 36) + this.foreignGraceMs ? { id, status: 'processing' } : null;
    }
    return { id, status: p.status, ...(p.output !== undefined ? { output: p.output } : {}), ...(p.error ? { error: p.error } : {}) };
  }

  /** Works (unless STUB_FAIL fails it), waits out the latency, then settles; never rejects. */
  private async settle(id: string, held: Held<Out>, req: Req): Promise<void> {
    const injected = this.rt.injectedFailure(this.capability, this.prompt(req));
    const [outcome] = await Promise.all([
      injected
        ? { error: { message: injected.message, retryable: false } }
        : this.withCapacity(held, () => this.rt.guard(this.capability, () => this.produce(req))).then(
            (output) => ({ output }),
            (err: unknown) => ({ error: { message: err instanceof Error ? err.message : String(err), retryable: (err as ProviderError).retryable === true } }),
          ),
      // Unref'd: a pending prediction keeps no process alive.
      this.rt.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.rt.latencyMs).unref()) : null,
    ]);
    Object.assign(held, 'output' in outcome ? { status: 'succeeded', output: outcome.output } : { status: 'failed', error: outcome.error });
    setTimeout(() => this.predictions.delete(id), this.retentionMs).unref();
  }

  /**
   * Runs `work` once fewer than `capacity` predictions work: the stub's work (ffmpeg, sharp) runs
   * on this machine, and hundreds at once would all end together, late, sharing its cores.
   */
  private async withCapacity<T>(held: Held<Out>, work: () => Promise<T>): Promise<T> {
    // A finished prediction hands its place to the next in line, so none is overtaken by a later submit.
    if (this.working >= this.capacity) await new Promise<void>((r) => this.turns.push(r));
    else this.working++;
    held.status = 'processing';
    try {
      return await work();
    } finally {
      const next = this.turns.shift();
      if (next) next();
      else this.working--;
    }
  }
}
