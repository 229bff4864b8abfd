import { useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../platform/api/client';
import { ENDED_STATUSES } from '../../platform/api/job-events';
import { useLiveJob } from '../../platform/hooks/use-live-job';

type ClipsJob = Awaited<ReturnType<typeof fetchJob>>;
const fetchJob = async (jobId: string) => unwrap(await api.GET('/api/jobs/{jobId}', { params: { path: { jobId } } }));

/** A clips job, live: Server-Sent Events refresh it; when the stream fails, it is polled every 2 s. */
export function useClipsJob(jobId: string) {
  const client = useQueryClient();
  const queryKey = ['clips-job', jobId];
  return useLiveJob({
    jobId, queryKey, read: () => fetchJob(jobId), pollMs: 2000,
    // Progress comes in the event itself; the job is read again only for its result.
    onEvent: (e, refresh) => {
      client.setQueryData(queryKey, (old: ClipsJob | undefined) => (old ? { ...old, status: e.status, progress: e.progress } : old));
      if (ENDED_STATUSES.includes(e.status)) refresh();
    },
    // An ended job may have refunded credits: read the balance again.
    onEnded: () => void client.invalidateQueries({ queryKey: ['me'] }),
  });
}
