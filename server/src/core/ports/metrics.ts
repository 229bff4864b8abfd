import type { QueueCounts } from './queue';

/**
 * Operating metrics: what the engine and the provider calls observe as they happen (this port),
 * what the HTTP layer observes and serves (MetricsEndpoint), and what is read from the database at
 * each scrape (OperatingSnapshot). The Prometheus adapter (adapters/metrics) implements both sides;
 * one instance per platform, made by the composition.
 */

/** How a provider call ended: `lost` when the provider no longer knows the call (`get` answered null). */
export type ProviderCallOutcome = 'succeeded' | 'failed' | 'lost';

/** How one run of a step ended: done, waiting (for a person, a webhook or a prediction), or failed. */
export type StepRunOutcome = 'done' | 'waiting' | 'failed';

/** What the engine and the provider layer report. Every method is cheap and never throws. */
export interface Metrics {
  /** One run of one step, in seconds of wall time on the worker (a waiting step's wait is not in it). */
  stepRun(run: { pipeline: string; step: string; outcome: StepRunOutcome; seconds: number }): void;
  /**
   * One provider call seen settled: from its submit to the moment it was seen succeeded, failed
   * or lost, in milliseconds. `capability`: text, image, video, music, moderation, imageOps.
   */
  providerCall(call: { provider: string; capability: string; outcome: ProviderCallOutcome; latencyMs: number }): void;
}

/** A Metrics that records nothing: for tests and tools that do not look at metrics. */
export const noMetrics = (): Metrics => ({ stepRun() {}, providerCall() {} });

/** What the HTTP layer reports and serves. */
export interface MetricsEndpoint {
  /** One request answered; `route` is the matched route pattern (`/v1/jobs/:id`), never the raw path. */
  requestServed(req: { method: string; route: string; status: number; seconds: number }): void;
  /** The exposition's content type (Prometheus text format, with its version). */
  readonly contentType: string;
  /** Reads the scrape-time figures (OperatingSnapshot) and renders every metric. */
  render(): Promise<string>;
}

/**
 * The figures read from the database and the queue at each scrape: exact across processes, since
 * every process reads the same rows.
 */
export interface OperatingSnapshot {
  /** Jobs by app and status, now. */
  jobs: { app: string; status: string; count: number }[];
  /** The queue's own counts (waiting, active, delayed...). */
  queue: QueueCounts;
  /** Credits charged and refunded since the ledger began, by the app of the job they were for (null: no job). */
  credits: { app: string | null; charged: number; refunded: number }[];
}
