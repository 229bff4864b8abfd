import type { z } from 'zod';
import type { GpuWork } from '../core/ports/gpu-work';
import type { MediaToolkit } from '../core/ports/media';
import type { Providers } from '../core/ports/providers';
import type { ObjectStorage } from '../core/ports/storage';
import type { Asset, AssetKind, Job, JobItem, Json, JsonObject, Repos } from '../core/ports/store';
import type { Clock, Logger } from '../services/deps';
import { checkedPipeline } from './pipeline-checks';
import type { Predict } from './predict';
import { stepGraph } from './step-graph';

/**
 * Typed pipelines. A pipeline names a zod schema for its job's `input`, and each step one for its
 * `output`. The engine checks both at the worker boundary (pipeline-checks.ts): a job whose input
 * does not fit fails with INVALID_JOB_INPUT before any step runs its own code, and an output that
 * does not fit its schema is never recorded (INVALID_STEP_OUTPUT, fatal). The types follow the
 * schemas: `StepDef<I, O>` runs with `ctx.input: I` and must return an `O`; a step reads another's
 * output with `ctx.output(thatStep)`, typed by that step's schema. `stepsFor<I>()` infers `O` from
 * the schema, so a step's type is written once, as its schema.
 */

/** What a step may return: its output (kept, so a resumed job skips it), or a wait for an outside event. */
export type StepOutcome<O extends Json = Json> =
  | { output?: O }
  | {
      wait: {
        reason: string;
        /** The wait fails the job (and refunds) when nothing arrives in time. */
        timeoutMs: number;
        /** When set, the engine calls the step's `poll` at this interval until it reports done. */
        pollIntervalMs?: number;
      };
    };

export interface AssetInput {
  slot: string;
  kind: AssetKind;
  body: Buffer;
  mime: string;
  ext: string;
  width?: number | null;
  height?: number | null;
  durationSec?: number | null;
  phash?: string | null;
  meta?: JsonObject;
  /** The item this output belongs to: delivered once that item is done (see core/jobs/delivery). */
  item?: number;
}

/** A step reads objects (the user's photos, earlier steps' assets); it writes only through `saveAsset`. */
export type StepStorage = Pick<ObjectStorage, 'get'>;

/**
 * What a step may use. Nothing here writes the database or the queue except through the methods
 * below, each of which checks that the job is still this worker's (the lease guard); a step gets no
 * store, no queue, no settings.
 */
export interface StepContext<I = unknown> {
  job: Job;
  /** The job's input, as the pipeline's `input` schema parsed it. */
  input: I;
  /** Outputs of the steps already done, by step name, as recorded (each checked by its step's schema). */
  outputs: Record<string, Json>;
  /**
   * The recorded output of `step`, typed by its schema. Throws (fatal, MISSING_STEP_OUTPUT) when that
   * step is not done: a step must run after every step whose output it reads.
   */
  output<O extends Json>(step: StepDef<any, O>): O;
  /** The payload that resumed this step's wait (a review, a webhook, a callback, a poll result). */
  event: Json | undefined;
  attempt: number;
  signal: AbortSignal;
  storage: StepStorage;
  providers: Providers;
  /** Sends work to GPU workers (idempotent while a task is pending); their signed callbacks settle the job's items. */
  gpu: Pick<GpuWork, 'kind' | 'dispatch' | 'check'>;
  media: MediaToolkit;
  clock: Clock;
  log: Logger;
  /** Reports progress within the step, 0..1. */
  progress(fraction: number, message?: string): Promise<void>;
  trace(message: string): Promise<void>;
  /** Merges into the job's state (e.g. a provider's prediction id, so a later poll or run finds it). */
  setState(patch: JsonObject): Promise<void>;
  /**
   * Stores bytes and upserts the job's asset for `slot`: idempotent across retries and resumes.
   * Writes nothing once the job is no longer this worker's (throws LeaseLostError).
   */
  saveAsset(input: AssetInput): Promise<Asset>;
  items(): Promise<JobItem[]>;
  /** Marks one item done or failed; a failed item's own charge is refunded in the same transaction. */
  settleItem(idx: number, result: { output: Json } | { error: { code: string; message: string } }): Promise<void>;
  /**
   * Resumes this step's wait with `event`: the in-process webhook a step hands to a provider's
   * submit. It never throws and may be called any time: it does nothing unless the job is waiting
   * on this step, and a poll that resumed the wait first wins (a wait is resumed once; see
   * services/jobs/waits.ts).
   */
  webhook(event: Json): void;
  /**
   * The output of an asynchronous provider call (a prediction: text, image, video, music), without
   * holding a worker while the provider works: `const frame = await ctx.predict('keyframe', 'image', req)`.
   *
   * Durable replay. The first call submits `request` (handing the provider a webhook that resumes
   * this step's wait) and keeps `{capability, id, submits}` under `key` in the job's state (one entry
   * per step: predictionsKey). If the prediction has not settled, the step stops there: `predict`
   * throws an engine signal (never catch it, or rethrow what you do not handle) and the step waits
   * (`opts`: reason, timeout, poll interval), holding no worker slot. The provider's webhook or the
   * engine's poll (the reconciler reads the pending predictions from the state when the step has no
   * `poll`), whichever comes first, resumes it once, and the step then runs again FROM ITS START:
   * `predict` finds the stored id and returns the output (succeeded), stops again (still processing),
   * submits again (lost, or failed and retryable; at most `maxSubmits` in all, default 3, then fatal
   * PREDICTION_FAILED) or throws FatalStepError (failed, not retryable). A step may call `predict`
   * several times in sequence, each with its own key (not side by side in one step: use two steps).
   * A provider that has settled when submit returns (the stubs without STUB_LATENCY_MS) never waits.
   *
   * So the code before a `predict` runs again on every resume and must be idempotent: reading inputs
   * and outputs, building requests; not writing assets or calling providers directly (saveAsset is
   * idempotent per slot, so a step may save after its last predict).
   */
  predict: Predict;
}

export interface PollResult {
  done: boolean;
  /** Delivered to the step as `ctx.event` when done. */
  event?: Json;
}

/**
 * One step of pipelines whose input is `I`, producing an `O`. Write it with `stepsFor<I>()` so that
 * `O` comes from the `output` schema.
 */
export interface StepDef<I = any, O extends Json = Json> {
  name: string;
  /**
   * The steps whose outputs this one needs: it starts as soon as they are all done, beside any
   * other step that is ready. Default: the step before it in the list (none for the first), so a
   * pipeline that names no needs runs its steps one after another.
   */
  after?: string[];
  /** Share of the job's progress this step accounts for. */
  weight: number;
  maxAttempts?: number;
  /**
   * A computation on the job's input and earlier outputs only: no provider calls, no writes, no
   * outside effects, done in milliseconds. Local steps that need nothing but other local steps run
   * as soon as a first run's message arrives, before the job is claimed; the claim is then written together
   * with their outputs, one statement instead of two. A run that loses the claim drops them.
   */
  local?: boolean;
  /** The shape of the output: checked before it is recorded. A step that returns nothing records null. */
  output: z.ZodType<O>;
  run(ctx: StepContext<I>): Promise<StepOutcome<NoInfer<O>> | void>;
  poll?(ctx: StepContext<I>): Promise<PollResult>;
}

/** `const step = stepsFor<ClipsInput>()`, then `step({ name, output: Schema, run })`: `O` is the schema's type. */
export const stepsFor = <I>() => <O extends Json>(def: StepDef<I, O>): StepDef<I, O> => def;

/** What a pipeline's `result` reads: the job, its parsed input and its steps' outputs. */
export interface ResultContext<I = unknown> {
  job: Job;
  input: I;
  outputs: Record<string, Json>;
  output<O extends Json>(step: StepDef<any, O>): O;
}

export interface PipelineDef<I = any> {
  id: string;
  app: string;
  /** The job's input: checked when a run starts (INVALID_JOB_INPUT fails and refunds the job). */
  input: z.ZodType<I>;
  steps: StepDef<I>[];
  /** The job's `result` once every step is done. */
  result?(ctx: ResultContext<I>): Promise<Json> | Json;
  /**
   * Runs inside the transaction of every `ctx.settleItem`, after the item's row (and a failed
   * item's refund) is written, under the job's row lock: where an app keeps its own rows in step
   * with its items (the gallery puts a finished image into its entity's media_assets). A throw
   * rolls the settle back and fails the step like any step error.
   */
  onItemSettled?(repos: Repos, job: Job, settled: { idx: number; output: Json | null; error: { code: string; message: string } | null }, now: Date): Promise<void>;
}

/**
 * The pipelines a worker runs, by id. It hands out the checked form of each (pipeline-checks.ts):
 * every step parses the job's input before it runs and its output before it is recorded. The
 * engine computes a job's result with `pipelineResult`.
 */
export class PipelineRegistry {
  private readonly byId = new Map<string, PipelineDef>();
  /** Throws when the id is taken or the steps' needs do not form a graph (see step-graph.ts). */
  register<I>(def: PipelineDef<I>): this {
    if (this.byId.has(def.id)) throw new Error(`pipeline ${def.id} registered twice`);
    stepGraph(def);
    this.byId.set(def.id, checkedPipeline(def));
    return this;
  }
  get(id: string): PipelineDef | undefined {
    return this.byId.get(id);
  }
}
