/** The job queue carries ids only; the database is the source of truth. Delivery is at least once. */
export interface QueueMessage {
  jobId: string;
  /** The job's run number: one enqueue per run, so a duplicate enqueue of the same run is deduplicated. */
  run: number;
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
