import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../platform/api/client';
import { followJob } from '../../platform/api/job-events';

const ENDED = ['completed', 'failed', 'cancelled'];

type ClipsJob = Awaited<ReturnType<typeof fetchJob>>;
const fetchJob = async (jobId: string) => unwrap(await api.GET('/api/jobs/{jobId}', { params: { path: { jobId } } }));

/** A clips job, live: Server-Sent Events refresh it; when the stream fails, it is polled every 2 s. */
export function useClipsJob(jobId: string) {
  const client = useQueryClient();
  const [streaming, setStreaming] = useState(true);
  const query = useQuery({
    queryKey: ['clips-job', jobId],
    queryFn: () => fetchJob(jobId),
    refetchInterval: (q) => (streaming || ENDED.includes(q.state.data?.status ?? '') ? false : 2000),
  });
  const status = query.data?.status;
  // Follow the stream while the job runs; reconnecting on every progress event would be wasteful.
  const live = status !== undefined && !ENDED.includes(status);

  // An ended job may have refunded credits: read the balance again, also when the job had already
  // ended by the page's first read (then no event ever arrives).
  const ended = status !== undefined && ENDED.includes(status);
  useEffect(() => {
    if (ended) void client.invalidateQueries({ queryKey: ['me'] });
  }, [ended, client]);

  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    const refresh = () => void client.invalidateQueries({ queryKey: ['clips-job', jobId] });
    followJob(jobId, (e) => {
      client.setQueryData(['clips-job', jobId], (old: ClipsJob | undefined) => (old ? { ...old, status: e.status, progress: e.progress } : old));
      if (ENDED.includes(e.status)) refresh();
    }, abort.signal)
      // The server ends the stream when the job ends; read the job once more in case the last event was missed.
      .then(() => {
        if (!abort.signal.aborted) {
          refresh();
          setStreaming(false);
        }
      })
      .catch(() => {
        if (!abort.signal.aborted) setStreaming(false);
      });
    return () => abort.abort();
  }, [jobId, live, client]);

  return query;
}
