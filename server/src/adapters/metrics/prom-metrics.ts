import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATUSES } from '../../core/jobs/job-status';
import type { Metrics, MetricsEndpoint, OperatingSnapshot } from '../../core/ports/metrics';

export interface PromMetricsOptions {
  /** The scrape-time figures (services/metrics/operating-snapshot.ts), read once per scrape. */
  snapshot: () => Promise<OperatingSnapshot>;
  /** Where a failed snapshot is reported; the scrape still answers, with `mediaforge_scrape_source_up 0`. */
  onSnapshotError?: (err: unknown) => void;
  /** The process's own metrics (CPU, memory, event loop lag, GC): prom-client's defaults. Default true. */
  processMetrics?: boolean;
}

// Seconds. HTTP answers are mostly milliseconds; steps and provider calls run from a fraction of a
// second (a stub, a text call) to many minutes (a video).
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const PROVIDER_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Methods are labels as sent only when HTTP names them: a client cannot mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The metrics of one platform instance in a prom-client Registry of its own (never prom-client's
 * global one: two platforms in one process, as in tests, keep apart). Histograms and counters are
 * this process's (what its requests, steps and provider calls did since it started); gauges and the
 * credit totals are read from the database and the queue at each scrape, so they are exact whichever
 * process is scraped.
 */
export class PromMetrics implements Metrics, MetricsEndpoint {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly steps: Histogram<'pipeline' | 'step' | 'outcome'>;
  private readonly providerLatency: Histogram<'provider' | 'capability' | 'outcome'>;
  private readonly providerErrors: Counter<'provider' | 'capability' | 'outcome'>;
  private readonly jobs: Gauge<'app' | 'status'>;
  private readonly jobsWaiting: Gauge;
  private readonly queue: Gauge<'state'>;
  private readonly queueDepth: Gauge;
  private readonly charged: Counter<'app'>;
  private readonly refunded: Counter<'app'>;
  private readonly sourceUp: Gauge;
  /** The scrape in progress: a second scrape meanwhile shares it (the scrape-time figures are reset and set). */
  private inFlight: Promise<string> | null = null;

  constructor(private readonly opts: PromMetricsOptions) {
    const registers = [this.registry];
    this.http = new Histogram({
      name: 'mediaforge_http_request_duration_seconds', help: 'HTTP requests by method, matched route pattern and status',
      labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers,
    });
    this.steps = new Histogram({
      name: 'mediaforge_step_duration_seconds', help: 'Runs of pipeline steps on this worker, by pipeline, step and how the run ended (done, waiting, failed)',
      labelNames: ['pipeline', 'step', 'outcome'], buckets: STEP_BUCKETS, registers,
    });
    this.providerLatency = new Histogram({
      name: 'mediaforge_provider_call_duration_seconds', help: 'Provider calls from submit to seen settled, by provider, capability and outcome (succeeded, failed, lost)',
      labelNames: ['provider', 'capability', 'outcome'], buckets: PROVIDER_BUCKETS, registers,
    });
    this.providerErrors = new Counter({
      name: 'mediaforge_provider_call_errors_total', help: 'Provider calls that failed or were lost, by provider, capability and outcome',
      labelNames: ['provider', 'capability', 'outcome'], registers,
    });
    this.jobs = new Gauge({ name: 'mediaforge_jobs', help: 'Jobs by app and status (read from the database at scrape)', labelNames: ['app', 'status'], registers });
    this.jobsWaiting = new Gauge({ name: 'mediaforge_jobs_waiting', help: 'Jobs waiting for a person, a webhook or a provider (read from the database at scrape)', registers });
    this.queue = new Gauge({ name: 'mediaforge_queue_jobs', help: 'Queue messages by state (read from the queue at scrape)', labelNames: ['state'], registers });
    this.queueDepth = new Gauge({ name: 'mediaforge_queue_depth', help: 'Queue messages not yet taken by a worker: waiting and delayed (read from the queue at scrape)', registers });
    this.charged = new Counter({ name: 'mediaforge_credits_charged_total', help: 'Credits charged, by app (the ledger\'s sum at scrape)', labelNames: ['app'], registers });
    this.refunded = new Counter({ name: 'mediaforge_credits_refunded_total', help: 'Credits refunded, by app (the ledger\'s sum at scrape)', labelNames: ['app'], registers });
    this.sourceUp = new Gauge({ name: 'mediaforge_scrape_source_up', help: '1 when the database and queue figures of this scrape were read, 0 when reading them failed', registers });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  requestServed(req: { method: string; route: string; status: number; seconds: number }): void {
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    this.http.observe({ method, route: req.route, status: String(req.status) }, req.seconds);
  }

  stepRun(run: { pipeline: string; step: string; outcome: string; seconds: number }): void {
    this.steps.observe({ pipeline: run.pipeline, step: run.step, outcome: run.outcome }, run.seconds);
  }

  providerCall(call: { provider: string; capability: string; outcome: string; latencyMs: number }): void {
    const labels = { provider: call.provider, capability: call.capability, outcome: call.outcome };
    this.providerLatency.observe(labels, call.latencyMs / 1000);
    if (call.outcome !== 'succeeded') this.providerErrors.inc(labels);
  }

  render(): Promise<string> {
    this.inFlight ??= this.scrape().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async scrape(): Promise<string> {
    try {
      this.apply(await this.opts.snapshot());
      this.sourceUp.set(1);
    } catch (err) {
      // The process's own figures are still worth answering; the last database figures stay.
      this.sourceUp.set(0);
      this.opts.onSnapshotError?.(err);
    }
    return this.registry.metrics();
  }

  private apply(s: OperatingSnapshot): void {
    // Every status of every app that has jobs, 0 included: a series that drops to 0 reads 0, not absent.
    this.jobs.reset();
    for (const app of new Set(s.jobs.map((j) => j.app))) for (const status of JOB_STATUSES) this.jobs.set({ app, status }, 0);
    for (const j of s.jobs) this.jobs.set({ app: j.app, status: j.status }, j.count);
    this.jobsWaiting.set(s.jobs.filter((j) => j.status === 'waiting').reduce((n, j) => n + j.count, 0));
    this.queue.reset();
    for (const [state, n] of Object.entries(s.queue)) this.queue.set({ state }, n);
    this.queueDepth.set(s.queue.waiting + s.queue.delayed);
    // Counters set to the ledger's sums: monotonic, since the ledger only grows.
    this.charged.reset();
    this.refunded.reset();
    for (const c of s.credits) {
      const app = c.app ?? 'none';
      this.charged.inc({ app }, c.charged);
      this.refunded.inc({ app }, c.refunded);
    }
  }
}

/** One platform's metrics (see PromMetrics). */
export const createPromMetrics = (opts: PromMetricsOptions) => new PromMetrics(opts);
