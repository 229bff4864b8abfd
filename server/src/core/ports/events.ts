import type { JobStatus } from '../jobs/job-status';
/** Job progress published to subscribers (SSE) across processes. */
export interface JobEvent {
  jobId: string;
  /**
   * The job's write sequence when this state was written: increasing per job across processes and
   * restarts, the SSE `id`. Events may arrive out of order from several processes; the higher wins.
   */
  seq: number;
  status: JobStatus;
  progress: number;
  step?: string;
  message?: string;
  at: string;
}

export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  readonly kind: 'memory' | 'redis';
  publish(channel: string, event: JobEvent): Promise<void>;
  subscribe(channel: string, listener: (event: JobEvent) => void): Promise<Unsubscribe>;
  /** Every channel that starts with `prefix` (e.g. all jobs' events, for cache invalidation). */
  subscribePrefix(prefix: string, listener: (channel: string, event: JobEvent) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}
