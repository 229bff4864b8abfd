import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ENDED_STATUSES, followJob, type JobEvent } from '../api/job-events';

export interface LiveJobOptions<T> {
  jobId: string;
  queryKey: QueryKey;
  /** Reads the job in its app's shape (it must carry `status`). */
  read: () => Promise<T>;
  /** How often it is polled when the event stream fails, in ms. */
  pollMs: number;
  /** What an event does; by default the job is read again. `refresh` reads it again. */
  onEvent?: (event: JobEvent, refresh: () => void) => void;
  /** Runs once the job is seen ended, also when it had already ended at the first read (credits may have come back). */
  onEnded?: () => void;
}

/**
 * An app's job kept live: while it has not ended, its Server-Sent Events stream (followJob) drives
 * reads; the stream's end reads it once more, in case the last event was missed; when the stream
 * fails, it is polled every `pollMs`.
 */
export function useLiveJob<T extends { status: string }>(opts: LiveJobOptions<T>) {
  const { jobId, queryKey, read, pollMs, onEvent, onEnded } = opts;
  const client = useQueryClient();
  const [streaming, setStreaming] = useState(true);
  const query = useQuery({
    queryKey,
    queryFn: read,
    refetchInterval: (q) => (streaming || ENDED_STATUSES.includes(q.state.data?.status ?? '') ? false : pollMs),
  });
  const status = query.data?.status;
  // Follow the stream while the job runs; reconnecting on every progress change would be wasteful.
  const live = status !== undefined && !ENDED_STATUSES.includes(status);
  const ended = status !== undefined && ENDED_STATUSES.includes(status);

  useEffect(() => {
    if (ended) onEnded?.();
    // onEnded is the caller's inline function: only the job's ending should run it.
  }, [ended]);

  const key = JSON.stringify(queryKey);
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    const refresh = () => void client.invalidateQueries({ queryKey });
    followJob(jobId, (e) => (onEvent ? onEvent(e, refresh) : refresh()), abort.signal)
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
    // The key's text stands for the key; the callbacks are the caller's inline functions.
  }, [jobId, live, client, key]);

  return query;
}
