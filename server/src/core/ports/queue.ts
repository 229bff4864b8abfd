import type { JsonObject } from './store';

/**
 * The job queue carries ids; the database is the source of truth. Delivery is at least once.
 * A first run may carry a snapshot of the job, so that its local steps start before the job is read.
 */
export interface QueueMessage {
  jobId: string;
  /** The job's run number: one enqueue per run, so a duplicate enqueue of the same run is deduplicated. */
  run: number;
  job?: JobSnapshot;
}

/** The job as submitted: what its local steps may read (see `StepDef.local`). Never trusted for status. */
export interface JobSnapshot {
  userId: string;
  app: string;
  pipeline: string;
  input: JsonObject;
  state: JsonObject;
  entityKey: string | null;
  itemCount: number;
  createdAt: string;
}

export type QueueHandler = (msg: QueueMessage) => Promise<void>;

export interface QueueConsumer {
  /** Stops taking messages and waits for the active ones to finish. */
  close(): Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface JobQueue {
  readonly kind: 'memory' | 'bullmq';
  enqueue(msg: QueueMessage, opts?: { delayMs?: number }): Promise<void>;
  consume(handler: QueueHandler, opts: { concurrency: number }): Promise<QueueConsumer>;
  counts(): Promise<QueueCounts>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
