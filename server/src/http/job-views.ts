import type { Asset, Job } from '../core/ports/store';
import type { JobDetail } from '../services/jobs/read-jobs';

export const jobSummary = (job: Job) => ({
  id: job.id,
  app: job.app,
  pipeline: job.pipeline,
  status: job.status,
  progress: job.progress,
  createdAt: job.createdAt.toISOString(),
  updatedAt: job.updatedAt.toISOString(),
  finishedAt: job.finishedAt?.toISOString() ?? null,
});

export const assetView = (a: Asset, url: string) => ({
  id: a.id, slot: a.slot, kind: a.kind, mime: a.mime, size: a.size,
  width: a.width, height: a.height, durationSec: a.durationSec, url,
});

/** The platform's view of any app's job. Internal state (quota holds, lease) is not shown. */
export function jobDetailView(d: JobDetail, urls: Map<string, string>) {
  const { job } = d;
  const { quotaHold: _hold, ...state } = job.state as Record<string, unknown>;
  return {
    ...jobSummary(job),
    input: job.input,
    state,
    stateHistory: job.history,
    trace: job.trace,
    steps: d.steps.map((s) => ({ name: s.name, status: s.status, attempts: s.attempts, error: s.error })),
    items: d.items.map((i) => ({ idx: i.idx, status: i.status, cost: i.cost, output: i.output, error: i.error })),
    wait: job.wait ? { step: job.wait.step, reason: job.wait.reason, deadline: job.waitDeadline?.toISOString() ?? null } : null,
    result: job.result,
    error: job.error,
    assets: d.assets.map((a) => assetView(a, urls.get(a.id) ?? '')),
  };
}
