import type { Clock } from '../../../core/ports/clock';
import type { CallOptions, Prediction, PredictionProvider, ProviderAttempt, SubmitOptions } from '../../../core/ports/providers';
import { ProviderError } from '../provider-error';
import { CircuitBreaker, type CircuitOptions, type CircuitState } from './circuit-breaker';

export interface RoutingOptions extends CircuitOptions {
  /** The clock of the circuits' cooldowns and of the attempts' durations. */
  clock: Clock;
}

/** One provider of a routing list, as the admin sees it (GET /v1/admin/providers). */
export interface RouteMember {
  name: string;
  model: string | null;
  /** Its place in the list, from 0. */
  position: number;
  circuit: CircuitState;
}

/** How many settled predictions a router remembers having counted (a bound on its memory). */
const COUNTED_LIMIT = 10_000;

/**
 * Generation calls of one capability over an ordered list of providers (`IMAGE_PROVIDERS=fal,replicate`).
 *
 * `submit` tries them in order, passing over one whose circuit is open (circuit-breaker.ts). A
 * retryable ProviderError (429, 5xx, a timeout, a malformed answer: provider-http.ts) passes the call
 * to the next; any other error (a 4xx refusal of the request itself, which the next provider would
 * refuse as well) is thrown at once. When none took it, the last error is thrown, retryable, or,
 * when every circuit was open, a retryable ProviderError saying when the first reopens.
 *
 * The id returned names who served: `<provider name>:<that provider's id>`; `get` asks that
 * provider, and answers null for an id whose prefix names none of the list (the caller submits
 * again, as for an expired prediction). A webhook a provider calls is passed on with the routed id.
 *
 * What counts against a provider's circuit: a submit that failed retryably, a `get` that threw, and
 * a prediction seen settled failed retryably (each once). What clears it: a prediction seen
 * succeeded, and an accepted submit of a half-open circuit's trial. An accepted submit of a closed
 * circuit counts neither way: its outcome is not known yet, and a provider that accepts every call
 * and fails each must still open.
 *
 * Each attempt is told to `opts.onAttempt` (core/ports/providers.ts ProviderAttempt), so the engine
 * records the calls of the providers that failed as well as the one that served.
 */
export class RoutedProvider<Req, Out> implements PredictionProvider<Req, Out> {
  readonly name: string;
  private readonly circuits: Map<string, CircuitBreaker>;
  private readonly byName: Map<string, PredictionProvider<Req, Out>>;
  /** Predictions whose settled state was already counted, oldest first. */
  private readonly counted = new Set<string>();

  constructor(
    /** What it routes, for messages: `image`, `video`... */
    readonly capability: string,
    readonly providers: readonly PredictionProvider<Req, Out>[],
    private readonly opts: RoutingOptions,
  ) {
    if (providers.length === 0) throw new Error(`routing ${capability}: no provider in the list`);
    const names = providers.map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`routing ${capability}: ${twice} is listed twice`);
    const bad = names.find((n) => n.includes(':') || n === '');
    if (bad !== undefined) throw new Error(`routing ${capability}: a provider name may not be empty or hold ':' (${bad})`);
    this.name = names.join(',');
    this.byName = new Map(providers.map((p) => [p.name, p]));
    this.circuits = new Map(providers.map((p) => [p.name, new CircuitBreaker(opts.clock, opts)]));
  }

  /** The list in order, with each circuit's state in this process. */
  members(): RouteMember[] {
    return this.providers.map((p, position) => ({ name: p.name, model: p.model ?? null, position, circuit: this.circuits.get(p.name)!.state }));
  }

  async submit(req: Req, opts: SubmitOptions = {}): Promise<{ id: string }> {
    const { webhook, onAttempt } = opts;
    return failover(this.capability, this.providers, this.circuits, this.opts.clock, onAttempt, async (provider) => {
      const { id } = await provider.submit(req, webhook ? { webhook: (p) => webhook({ ...p, id: `${provider.name}:${p.id}` }) } : {});
      return { value: { id: `${provider.name}:${id}` }, id };
    });
  }

  async get(id: string): Promise<Prediction<Out> | null> {
    const cut = id.indexOf(':');
    const name = cut > 0 ? id.slice(0, cut) : '';
    const provider = this.byName.get(name);
    if (!provider) return null;
    const circuit = this.circuits.get(name)!;
    let p: Prediction<Out> | null;
    try {
      p = await provider.get(id.slice(cut + 1));
    } catch (err) {
      circuit.failure();
      throw err;
    }
    if (!p) return null;
    if ((p.status === 'succeeded' || (p.status === 'failed' && p.error?.retryable)) && this.firstSight(id)) {
      if (p.status === 'succeeded') circuit.success();
      else circuit.failure();
    }
    return { ...p, id };
  }

  /** True the first time a settled prediction is seen (the router counts it once). */
  private firstSight(id: string): boolean {
    if (this.counted.has(id)) return false;
    this.counted.add(id);
    if (this.counted.size > COUNTED_LIMIT) this.counted.delete(this.counted.values().next().value!);
    return true;
  }
}

/**
 * Tries `call` on each provider in order (routing's one rule, shared with RoutedModeration): skips
 * open circuits, passes a retryable failure on, throws any other at once. `call` answers the value
 * and, for an asynchronous call, the provider's own id of what it accepted.
 */
export async function failover<P extends { name: string; model?: string }, T>(
  capability: string,
  providers: readonly P[],
  circuits: Map<string, CircuitBreaker>,
  clock: Clock,
  onAttempt: CallOptions['onAttempt'],
  call: (provider: P) => Promise<{ value: T; id?: string }>,
): Promise<T> {
  let last: unknown;
  const skipped: string[] = [];
  const tell = (a: ProviderAttempt) => {
    try {
      onAttempt?.(a);
    } catch {
      // The observer's failure is not the provider's: the call goes on.
    }
  };
  for (const provider of providers) {
    const circuit = circuits.get(provider.name)!;
    if (!circuit.acquire()) {
      skipped.push(provider.name);
      continue;
    }
    const trial = circuit.state === 'half_open';
    const started = clock.now().getTime();
    const model = provider.model !== undefined ? { model: provider.model } : {};
    try {
      const { value, id } = await call(provider);
      // A trial that went through shows the provider answers again; a closed circuit waits for the outcome.
      if (trial) circuit.success();
      tell({ provider: provider.name, ...model, ms: clock.now().getTime() - started, ...(id !== undefined ? { id } : {}) });
      return value;
    } catch (err) {
      const retryable = isRetryable(err);
      tell({ provider: provider.name, ...model, ms: clock.now().getTime() - started, error: { message: messageOf(err), retryable } });
      if (!retryable) {
        circuit.release();
        throw err;
      }
      circuit.failure();
      last = err;
    }
  }
  if (last !== undefined) throw last;
  const reopens = Math.min(...providers.map((p) => circuits.get(p.name)!.reopensAt ?? Infinity));
  const waitMs = Number.isFinite(reopens) ? Math.max(0, reopens - clock.now().getTime()) : undefined;
  throw new ProviderError(
    `${capability}: every provider's circuit is open (${skipped.join(', ')})${waitMs !== undefined ? `; the first reopens in ${Math.ceil(waitMs / 1000)} s` : ''}`,
    true,
    skipped.join(','),
    waitMs !== undefined ? { retryAfterMs: waitMs } : {},
  );
}

/** Retryable as step-run.ts reads it: a ProviderError (or any error) that says so. */
const isRetryable = (err: unknown) => typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
