import type { JsonObject } from './store';
import type { ImageOperationProvider } from './providers';
import type { QueueConsumer } from './queue';

/**
 * One item of work for a GPU worker, complete in itself: a worker needs nothing of ours but these
 * URLs (the `input` of a Runpod serverless job has the same shape). It fetches `input.url`, does
 * `kind` with `params`, PUTs the result to `output.url` with `output.mime` as its Content-Type and
 * reports to `callback.url`, signed as Standard Webhooks with `callback.secret` (a `whsec_` secret
 * of this job alone). The URLs expire at `expires_at`.
 */
export interface GpuTask {
  /** `<job_id>.<item>`: a task is pending at most once under this id. */
  task_id: string;
  /** What to do, e.g. `rules.apply`; a worker runs the kinds it knows. */
  kind: string;
  job_id: string;
  item: number;
  input: { url: string; mime: string; max_bytes: number };
  output: { url: string; key: string; mime: string; max_bytes: number };
  params: JsonObject;
  callback: { url: string; secret: string };
  expires_at: string;
}

/** What an app asks to have done; `GpuWork.dispatch` signs the URLs. */
export interface GpuTaskSpec {
  jobId: string;
  item: number;
  kind: string;
  input: { key: string; mime: string; maxBytes: number };
  output: { key: string; mime: string; maxBytes: number };
  params: JsonObject;
  /** The callback's path on this service's public URL, e.g. `/s3/jobs/<id>/callback`. */
  callbackPath: string;
}

/** Where a task sent to a provider stands: queued or running, finished (its callback came or never will), or unknown to it. */
export type GpuSendState = 'pending' | 'ended' | 'lost';

/**
 * GPU work: tasks sent to GPU workers, which report back by signed callback. `dispatch` returns
 * the send's ref, and `check(ref)` says where it stands.
 * - `queue`: our `gpu-worker` processes. The ref is the task id; a task is queued at most once
 *   while pending (sent again once it has ended, it is queued again, with fresh URLs).
 * - `runpod`: a Runpod Serverless endpoint. Each `dispatch` is a new Runpod job, whose id is the
 *   ref; `check` asks Runpod (`/status`).
 */
export interface GpuWork {
  readonly kind: 'queue' | 'runpod';
  dispatch(spec: GpuTaskSpec): Promise<{ ref: string }>;
  check(ref: string): Promise<GpuSendState>;
  /** The `whsec_` secret the job's callbacks are signed with (derived, never stored). */
  callbackSecret(jobId: string): string;
}

export type GpuTaskHandler = (task: GpuTask) => Promise<void>;

/** What a GPU worker gives the code that runs one kind of task. */
export interface GpuTaskContext {
  /** HTTP to the task's URLs (global fetch; tests route it to the app in-process). */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** The worker's image-operation provider, for the AI operations (background removal, upscaling). */
  imageOps: ImageOperationProvider;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Now, on the worker's clock: callbacks are timestamped with it. */
  now(): Date;
  /**
   * Runs the task's heavy work (the pixels) within the worker's concurrency; fetching and storing
   * happen outside it, so the next task's photo arrives while this one's is worked on.
   */
  compute<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The code of one task kind, e.g. the rules app's `rules.apply`. What it returns is the task's
 * output: what a Runpod handler returns, which Runpod's webhook carries (the signed report).
 */
export type GpuTaskRunner = (task: GpuTask, ctx: GpuTaskContext) => Promise<GpuTaskOutput>;

/** A task's output: the signed report its callback sent, as Runpod's webhook can carry it again. */
export interface GpuTaskOutput {
  callback: { headers: Record<string, string>; body: string } | null;
}

/** The queue between the API and `gpu-worker` processes: at least once, deduplicated by task id while pending. */
export interface GpuTaskQueue {
  readonly kind: 'memory' | 'bullmq';
  /** The queue's name where processes meet (BullMQ: `<QUEUE_NAME>-gpu`), for logs. */
  readonly name: string;
  /** Resolves once the queue's server answers; throws when it cannot be reached. */
  ping(): Promise<void>;
  push(task: GpuTask): Promise<void>;
  /** Whether a task of this id waits or runs (a worker killed with it holds it until its lock expires). */
  pending(taskId: string): Promise<boolean>;
  consume(handler: GpuTaskHandler, opts: { concurrency: number }): Promise<QueueConsumer>;
  /** Tasks waiting and being worked on. */
  counts(): Promise<{ waiting: number; active: number }>;
  close(opts?: { force?: boolean }): Promise<void>;
}
