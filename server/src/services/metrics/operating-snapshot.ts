import type { OperatingSnapshot } from '../../core/ports/metrics';
import type { Deps } from '../deps';

/**
 * The scrape-time figures of /metrics: jobs by app and status and the ledger's charge and refund
 * totals from the database, the queue's counts from the queue. Read anew at each scrape, so every
 * API process answers the same figures (three grouped reads; the ledger's is a full pass over its
 * charges and refunds).
 */
export async function readOperatingSnapshot(deps: Pick<Deps, 'store' | 'queue'>): Promise<OperatingSnapshot> {
  const [jobs, credits, queue] = await Promise.all([
    deps.store.read((r) => r.jobs.countByAppStatus()),
    deps.store.read((r) => r.ledger.totalsByApp()),
    deps.queue.counts(),
  ]);
  return { jobs, credits, queue };
}
