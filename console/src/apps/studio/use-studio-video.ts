import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ENDED_STATUSES, followJob } from '../../platform/api/job-events';
import { studioApi } from './studio-api';

export const videoKey = (jobId: string) => ['studio-video', jobId];

/**
 * A studio video job, live: each event of its Server-Sent Events stream reads the video again (the
 * server's view names its status and adds the URLs once made); when the stream fails, it is polled
 * every second.
 */
export function useStudioVideo(jobId: string) {
  const client = useQueryClient();
  const [streaming, setStreaming] = useState(true);
  const query = useQuery({
    queryKey: videoKey(jobId),
    queryFn: () => studioApi.getVideo(jobId),
    refetchInterval: (q) => (streaming || ENDED_STATUSES.includes(q.state.data?.status ?? '') ? false : 1000),
  });
  const status = query.data?.status;
  // Follow the stream while the job runs; reconnecting on every progress change would be wasteful.
  const live = status !== undefined && !ENDED_STATUSES.includes(status);

  // An ended video may have refunded its credits, and the history shows it: read both again.
  const ended = status !== undefined && ENDED_STATUSES.includes(status);
  useEffect(() => {
    if (!ended) return;
    void client.invalidateQueries({ queryKey: ['me'] });
    void client.invalidateQueries({ queryKey: ['studio-history'] });
  }, [ended, client]);

  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    const refresh = () => void client.invalidateQueries({ queryKey: videoKey(jobId) });
    followJob(jobId, refresh, abort.signal)
      // The server ends the stream when the job ends; read the video once more in case the last event was missed.
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
