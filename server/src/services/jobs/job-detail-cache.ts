import { LRUCache } from 'lru-cache';
import { isTerminal } from '../../core/jobs/job-status';
import { deliveredAssets } from '../../core/jobs/delivery';
import type { Unsubscribe } from '../../core/ports/events';
import type { Deps } from '../deps';
import { clockPerf, readThrough } from '../cache/read-through';
import type { JobDetail } from './read-jobs';
import { assetUrls } from './read-jobs';

export interface CachedJobDetail extends JobDetail {
  /** Signed URLs by asset id, made once per load (they outlive the entry by far). */
  urls: Map<string, string>;
}

/** After a failed subscription, reads go to the database this long before the next attempt. */
const RESUBSCRIBE_AFTER_MS = 5_000;

export interface JobDetailCacheOptions {
  maxEntries?: number;
  /** Bound on staleness for writes no event announces (a trace line, an asset mid-step). */
  activeTtlMs?: number;
  terminalTtlMs?: number;
}

/**
 * Polling clients read the same job again and again; this keeps each job's detail in memory
 * (lru-cache: bounded, with a TTL by status, one load shared by concurrent reads) and drops it when
 * the job's event arrives (from any process, through the event bus) or its TTL ends.
 */
export class JobDetailCache {
  private readonly cache: LRUCache<string, CachedJobDetail>;
  private readonly activeTtl: number;
  private readonly terminalTtl: number;

  constructor(private readonly deps: Deps, opts: JobDetailCacheOptions = {}) {
    this.activeTtl = opts.activeTtlMs ?? 2000;
    this.terminalTtl = opts.terminalTtlMs ?? 60_000;
    this.cache = new LRUCache<string, CachedJobDetail>({
      max: opts.maxEntries ?? 5000,
      ttl: this.activeTtl,
      ttlResolution: 0,
      perf: clockPerf(deps.clock),
      fetchMethod: async (jobId, _stale, { options }) => {
        const detail = await this.load(jobId);
        if (!detail) return undefined;
        // A finished job changes only by deletion: it may stay longer.
        options.ttl = isTerminal(detail.job.status) ? this.terminalTtl : this.activeTtl;
        return detail;
      },
    });
  }

  private subscribed: Promise<Unsubscribe> | null = null;
  /** True once the bus confirmed the subscription: only then may an entry be kept. */
  private live = false;
  private retryAt = 0;

  /**
   * Subscribes on first use, so processes that never read details (workers) never listen. Reads
   * never wait for it: until the bus confirms (or while it cannot, e.g. Redis is down) every read
   * goes to the database and nothing is cached, since no eviction could reach the entry.
   */
  private listen(): void {
    if (this.subscribed || Date.now() < this.retryAt) return;
    const attempt = this.deps.events.subscribePrefix('job:', (channel) => this.invalidate(channel.slice(4)));
    this.subscribed = attempt;
    attempt.then(
      () => {
        if (this.subscribed === attempt) this.live = true;
      },
      (err: unknown) => {
        if (this.subscribed !== attempt) return;
        this.subscribed = null;
        this.retryAt = Date.now() + RESUBSCRIBE_AFTER_MS;
        this.deps.log.warn({ err }, 'job detail cache: no event subscription; reading job details from the database');
      },
    );
  }

  async stop(): Promise<void> {
    const subscribed = this.subscribed;
    this.subscribed = null;
    this.live = false;
    this.cache.clear();
    // A subscription that failed was logged by listen(): there is nothing to undo.
    const unsubscribe = await subscribed?.catch(() => null);
    await unsubscribe?.();
  }

  /** Drops the job's entry; a load of it still running is dropped too (read-through.ts). */
  invalidate(jobId: string): void {
    this.cache.delete(jobId);
  }

  async get(jobId: string): Promise<CachedJobDetail | null> {
    this.listen();
    if (!this.live) return this.load(jobId);
    return readThrough(this.cache, jobId, (id) => this.load(id));
  }

  /** Details cached now (for tests of the bound). */
  get size(): number {
    return this.cache.size;
  }

  private async load(jobId: string): Promise<CachedJobDetail | null> {
    const loaded = await this.deps.store.read(async (r) => {
      const job = await r.jobs.get(jobId);
      if (!job) return null;
      const [steps, items, assets] = await Promise.all([r.steps.list(jobId), r.items.list(jobId), r.assets.listForJob(jobId)]);
      // Only what is paid for and kept is listed and gets a signed URL (core/jobs/delivery).
      return { job, steps, items, assets: deliveredAssets(job, items, assets) };
    });
    if (!loaded) return null;
    return { ...loaded, urls: await assetUrls(this.deps, loaded.assets) };
  }
}
