import type { ProviderCapability } from '../../core/ports/providers';
import type { ProviderCallStats } from '../../core/ports/store';
import type { Deps } from '../deps';

/** One configured provider: its capability's routing list and its place in it (from 0). */
export interface ListedProvider {
  capability: ProviderCapability;
  provider: string;
  position: number;
  model: string | null;
}

export type CircuitView = 'closed' | 'open' | 'half_open';

export interface ProviderHealth extends ListedProvider {
  calls: number;
  failures: number;
  /** failures / settled calls of the window, 0..1; 0 when none settled. */
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  circuit: CircuitView;
  lastError: string | null;
}

export interface HealthOptions {
  /** The window of the figures, in minutes. Default 60. */
  windowMinutes?: number;
  /** The routers' circuit settings (adapters/providers/routing/circuit-breaker.ts): the same defaults. */
  failureThreshold?: number;
  cooldownMs?: number;
}

const DEFAULTS = { windowMinutes: 60, failureThreshold: 5, cooldownMs: 30_000 };

/**
 * Each configured provider with its figures over the last `windowMinutes` (GET /v1/admin/providers):
 * calls submitted, failures (failed or lost), error rate over the settled ones, latency percentiles
 * (submit to settle), the latest error.
 *
 * The circuit is derived from the records, not read from a breaker: the breakers live in each
 * worker process (one per process, capability and provider), which the API process cannot see. The
 * derivation follows the breakers' rule: the latest `failureThreshold` outcomes of the window all
 * failures -> open for `cooldownMs` after the latest of them, half-open after that until an outcome
 * succeeds; otherwise closed. An accepted submit still running is no outcome; a lost prediction is
 * counted in the error rate but not in the circuit, as the breakers count neither.
 */
export async function providerHealth(
  deps: Pick<Deps, 'store' | 'clock'>,
  listed: readonly ListedProvider[],
  opts: HealthOptions = {},
): Promise<{ windowMinutes: number; providers: ProviderHealth[] }> {
  const { windowMinutes, failureThreshold, cooldownMs } = { ...DEFAULTS, ...opts };
  const now = deps.clock.now();
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const stats = await deps.store.read((r) => r.providerCalls.stats(since, failureThreshold));
  const byKey = new Map(stats.map((s) => [`${s.capability}\u0000${s.provider}`, s]));
  return {
    windowMinutes,
    providers: listed.map((l) => {
      const s = byKey.get(`${l.capability}\u0000${l.provider}`);
      return {
        ...l,
        calls: s?.calls ?? 0,
        failures: s?.failures ?? 0,
        errorRate: s && s.settled > 0 ? Math.min(1, s.failures / s.settled) : 0,
        p50Ms: s?.p50Ms ?? null,
        p95Ms: s?.p95Ms ?? null,
        circuit: s ? circuitOf(s.recent, now, failureThreshold, cooldownMs) : 'closed',
        lastError: s?.lastError ?? null,
      };
    }),
  };
}

/** The circuit a breaker would be in after these outcomes (newest first). */
export function circuitOf(recent: ProviderCallStats['recent'], now: Date, failureThreshold: number, cooldownMs: number): CircuitView {
  const streak = recent.slice(0, failureThreshold);
  if (streak.length < failureThreshold || streak.some((o) => o.status !== 'failed')) return 'closed';
  return now.getTime() < streak[0]!.at.getTime() + cooldownMs ? 'open' : 'half_open';
}
