import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ENDED_STATUSES } from '../api/job-events';
import type { components } from '../api/schema';
import { useMe } from '../hooks/use-me';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { CHART_STATUSES, stackBars, totalsByStatus } from './chart';

type ProviderHealth = components['schemas']['ProviderHealth'];

const card = 'space-y-3 rounded border border-slate-200 bg-white p-4';
const button = 'rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-blue-600 disabled:opacity-50';
/** Admin data moves while one looks at it: read again every few seconds. */
const REFRESH_MS = 5000;

/**
 * /admin: the operators' view (issue 9 §3): the queue's counts and jobs by status now, jobs by
 * status over the last hour, each provider's latency, error rate and circuit, and the recent failed
 * jobs with their traces, provider calls and a retry. Shown to admins; the API refuses others.
 */
export function AdminPage() {
  const { t } = useI18n();
  const me = useMe();
  if (me.isPending) return <p aria-busy="true">…</p>;
  if (me.data?.role !== 'admin') return <p role="alert">{t('admin.onlyAdmins')}</p>;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold">{t('admin.heading')}</h1>
      <Counts />
      <JobsChart />
      <Providers />
      <FailedJobs />
    </section>
  );
}

function Failure({ error }: { error: Error | null }) {
  return error ? <p role="alert" className="text-red-700">{error.message}</p> : null;
}

function Counts() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['admin', 'queues'], queryFn: async () => unwrap(await api.GET('/v1/admin/queues')), refetchInterval: REFRESH_MS });
  const list = (entries: [string, number][], label: (k: string) => string, testId: string) => (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid={testId}>
      {entries.map(([k, n]) => (
        <div key={k} className="rounded bg-slate-50 p-2">
          <dt className="text-sm text-slate-600">{label(k)}</dt>
          <dd className="text-xl font-bold">{n}</dd>
        </div>
      ))}
    </dl>
  );
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <section className={card} aria-labelledby="admin-queues">
        <h2 id="admin-queues" className="text-lg font-semibold">{t('admin.queues')}</h2>
        <Failure error={q.error} />
        {q.data && list(Object.entries(q.data.queue), (k) => k, 'queue-counts')}
      </section>
      <section className={card} aria-labelledby="admin-jobs-now">
        <h2 id="admin-jobs-now" className="text-lg font-semibold">{t('admin.jobsNow')}</h2>
        <Failure error={q.error} />
        {q.data && list(Object.entries(q.data.jobs), (k) => t(`job.status.${k}` as MessageKey), 'job-counts')}
      </section>
    </div>
  );
}

const CHART_W = 600;
const CHART_H = 140;

function JobsChart() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['admin', 'stats'],
    queryFn: async () => unwrap(await api.GET('/v1/admin/jobs/stats', { params: { query: { windowMinutes: 60, bucketMinutes: 5 } } })),
    refetchInterval: REFRESH_MS,
  });
  const buckets = q.data?.buckets ?? [];
  const { bars, max } = stackBars(buckets, { width: CHART_W, height: CHART_H });
  const totals = totalsByStatus(buckets);
  const summary = CHART_STATUSES.map(({ status }) => `${t(`job.status.${status}` as MessageKey)} ${totals[status]}`).join(', ');
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <section className={card} aria-labelledby="admin-chart">
      <h2 id="admin-chart" className="text-lg font-semibold">{t('admin.chart')}</h2>
      <Failure error={q.error} />
      {q.data && (
        <>
          <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} className="h-36 w-full rounded bg-slate-50" preserveAspectRatio="none" role="img"
            aria-label={t('admin.chartLabel', { summary })} data-testid="jobs-chart">
            {bars.map((bar) => (
              <g key={bar.start} data-testid="chart-bar" data-total={bar.total}>
                <title>{`${time(bar.start)}: ${bar.segments.map((s) => `${t(`job.status.${s.status}` as MessageKey)} ${s.count}`).join(', ') || 0}`}</title>
                {/* The whole slot, so an empty bucket also has its hover text. */}
                <rect x={bar.x} y={0} width={bar.width} height={CHART_H} className="fill-transparent" />
                {bar.segments.map((s) => (
                  <rect key={s.status} x={bar.x} y={s.y} width={bar.width} height={s.height}
                    className={CHART_STATUSES.find((c) => c.status === s.status)!.fill} />
                ))}
              </g>
            ))}
          </svg>
          <div className="flex justify-between text-xs text-slate-500" aria-hidden="true">
            <span>{buckets[0] && time(buckets[0].start)}</span>
            <span>max {max}</span>
            <span>{buckets.at(-1) && time(buckets.at(-1)!.start)}</span>
          </div>
          {max === 0 && <p className="text-sm text-slate-600">{t('admin.chartEmpty')}</p>}
          <ul className="flex flex-wrap gap-3 text-sm" data-testid="chart-legend">
            {CHART_STATUSES.map(({ status, swatch }) => (
              <li key={status} className="flex items-center gap-1">
                <span className={`inline-block h-3 w-3 rounded-sm ${swatch}`} aria-hidden="true" />
                {t(`job.status.${status}` as MessageKey)} {totals[status]}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const CIRCUIT_STYLE: Record<ProviderHealth['circuit'], string> = {
  closed: 'bg-green-100 text-green-800 border-green-300',
  open: 'bg-red-100 text-red-800 border-red-300',
  half_open: 'bg-amber-100 text-amber-900 border-amber-300',
};
const CIRCUIT_DOT: Record<ProviderHealth['circuit'], string> = { closed: 'bg-green-600', open: 'bg-red-600', half_open: 'bg-amber-500' };

export const formatMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

function Providers() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['admin', 'providers'], queryFn: async () => unwrap(await api.GET('/v1/admin/providers')), refetchInterval: REFRESH_MS });
  const byCapability = new Map<string, ProviderHealth[]>();
  for (const p of [...(q.data?.providers ?? [])].sort((a, b) => a.position - b.position)) {
    byCapability.set(p.capability, [...(byCapability.get(p.capability) ?? []), p]);
  }
  return (
    <section className={card} aria-labelledby="admin-providers">
      <h2 id="admin-providers" className="text-lg font-semibold">{t('admin.providers')}</h2>
      <Failure error={q.error} />
      {q.data && q.data.providers.length === 0 && <p>{t('admin.providersEmpty')}</p>}
      {[...byCapability].map(([capability, list]) => (
        <div key={capability}>
          <h3 className="font-mono text-sm font-semibold text-slate-600">{capability}</h3>
          <ol className="divide-y divide-slate-200">
            {list.map((p) => (
              <li key={`${p.capability}-${p.provider}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2" data-testid="provider-row">
                <span className="font-semibold">{p.position + 1}. {p.provider}</span>
                {p.model && <span className="font-mono text-xs text-slate-500">{p.model}</span>}
                <span className={`inline-flex items-center gap-1 rounded border px-2 py-0.5 text-sm ${CIRCUIT_STYLE[p.circuit]}`} data-testid="circuit">
                  <span className={`inline-block h-2 w-2 rounded-full ${CIRCUIT_DOT[p.circuit]}`} aria-hidden="true" />
                  {t(`admin.circuit.${p.circuit}` as MessageKey)}
                </span>
                <span className="text-sm">{t('admin.latency', { p50: formatMs(p.p50Ms), p95: formatMs(p.p95Ms) })}</span>
                <span className={`text-sm ${p.errorRate > 0 ? 'font-semibold text-red-700' : ''}`}>{t('admin.errorRate', { pct: Math.round(p.errorRate * 1000) / 10 })}</span>
                <span className="text-sm text-slate-600">{t('admin.calls', { n: p.calls })}</span>
                {p.lastError && <span className="w-full break-words text-xs text-red-700">{t('admin.lastError', { error: p.lastError })}</span>}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}

function FailedJobs() {
  const { t } = useI18n();
  const [retried, setRetried] = useState<string[]>([]);
  const q = useQuery({
    queryKey: ['admin', 'failed'],
    queryFn: async () => unwrap(await api.GET('/v1/admin/jobs', { params: { query: { status: 'failed', limit: 10 } } })),
    refetchInterval: REFRESH_MS,
  });
  return (
    <section className={card} aria-labelledby="admin-failed">
      <h2 id="admin-failed" className="text-lg font-semibold">{t('admin.failed')}</h2>
      <p className="text-sm text-slate-600">{t('admin.retryNote')}</p>
      <Failure error={q.error} />
      <ul aria-live="polite" className="space-y-1">
        {retried.map((id) => <RetriedJob key={id} id={id} />)}
      </ul>
      {q.data && q.data.jobs.length === 0 && <p>{t('admin.failedEmpty')}</p>}
      <ul className="divide-y divide-slate-200">
        {q.data?.jobs.map((job) => (
          <FailedJob key={job.id} job={job} onRetried={(id) => setRetried((r) => [id, ...r.filter((x) => x !== id)])} />
        ))}
      </ul>
    </section>
  );
}

type AdminJob = components['schemas']['JobSummary'] & { userId: string };

function FailedJob({ job, onRetried }: { job: AdminJob; onRetried: (id: string) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const panel = useId();
  const retry = useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/admin/jobs/{id}/retry', { params: { path: { id: job.id } } })),
    onSuccess: () => {
      onRetried(job.id);
      void client.invalidateQueries({ queryKey: ['admin'] });
    },
  });
  return (
    <li className="space-y-2 py-3" data-testid="failed-job">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-xs text-slate-500">{job.app}</span>
        <span className="break-all font-mono text-sm">{job.id}</span>
        <span className="text-xs text-slate-500">{job.finishedAt && new Date(job.finishedAt).toLocaleString()}</span>
        <span className="ml-auto flex gap-2">
          <button type="button" className={button} aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
            {open ? t('admin.hide') : t('admin.details')}
          </button>
          <button type="button" className={`${button} border-blue-600 text-blue-700`} disabled={retry.isPending} onClick={() => retry.mutate()}>
            {t('admin.retry')}
          </button>
        </span>
      </div>
      <Failure error={retry.error} />
      {open && <div id={panel}><JobDetails id={job.id} userId={job.userId} /></div>}
    </li>
  );
}

function JobDetails({ id, userId }: { id: string; userId: string }) {
  const { t } = useI18n();
  const detail = useQuery({ queryKey: ['admin', 'job', id], queryFn: async () => unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } })) });
  const calls = useQuery({ queryKey: ['admin', 'calls', id], queryFn: async () => unwrap(await api.GET('/v1/admin/jobs/{id}/calls', { params: { path: { id } } })) });
  const error = detail.data?.error as { code?: string; message?: string; step?: string } | null | undefined;
  return (
    <div className="space-y-3 rounded bg-slate-50 p-3 text-sm" data-testid="job-details">
      <Failure error={detail.error ?? calls.error} />
      <p><span className="text-slate-600">{t('admin.user')}:</span> <span className="font-mono">{userId}</span></p>
      {error && (
        <p className="text-red-800"><span className="font-semibold">{t('admin.error')}:</span> {error.code}{error.step ? ` (${error.step})` : ''}: {error.message}</p>
      )}
      {detail.data && (
        <>
          <h3 className="font-semibold">{t('admin.steps')}</h3>
          <ul className="flex flex-wrap gap-2">
            {detail.data.steps.map((s) => (
              <li key={s.name} className={`rounded border px-2 py-0.5 ${s.status === 'failed' ? 'border-red-300 text-red-800' : 'border-slate-300'}`}>
                {s.name}: {s.status} ×{s.attempts}
              </li>
            ))}
          </ul>
          <h3 className="font-semibold">{t('admin.trace')}</h3>
          <ol className="max-h-60 space-y-0.5 overflow-y-auto font-mono text-xs" data-testid="job-trace">
            {detail.data.trace.map((e, i) => (
              <li key={i} className="break-words">
                <span className="text-slate-500">{new Date(e.at).toLocaleTimeString()}</span> {e.step && <strong>{e.step}</strong>} {e.message}
              </li>
            ))}
          </ol>
        </>
      )}
      <h3 className="font-semibold">{t('admin.providerCalls')}</h3>
      {calls.data && calls.data.calls.length === 0 && <p>{t('admin.noCalls')}</p>}
      <ul className="space-y-1" data-testid="job-calls">
        {calls.data?.calls.map((c) => (
          <li key={c.id} className="flex flex-wrap gap-x-3 break-words">
            <span className="font-mono">{c.key ?? c.step}</span>
            <span>{c.capability}</span>
            <strong>{c.provider}</strong>
            <span className={c.status === 'failed' || c.status === 'lost' ? 'text-red-700' : ''}>{c.status}</span>
            <span>{formatMs(c.latencyMs)}</span>
            {c.error && <span className="w-full text-red-700">{c.error}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A job retried from this page, followed until it ends. */
function RetriedJob({ id }: { id: string }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['admin', 'retried', id],
    queryFn: async () => unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data && ENDED_STATUSES.includes(query.state.data.status) ? false : 1000),
  });
  const status = q.data?.status;
  return (
    <li className="rounded bg-blue-50 px-3 py-2 text-sm" data-testid="retried-job" data-status={status}>
      {t('admin.retried', { id, status: status ? t(`job.status.${status}` as MessageKey) : '…' })}
    </li>
  );
}
