import type { Asset, AssetKind, Job, JobItem, Json, JsonObject } from '../core/ports/store';
import type { Deps } from '../services/deps';
import { stepGraph } from './step-graph';

/** What a step may return: its output (kept, so a resumed job skips it), or a wait for an outside event. */
export type StepOutcome =
  | { output?: Json }
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

export interface StepContext {
  job: Job;
  /** Outputs of the steps already done, by step name. */
  outputs: Record<string, Json>;
  /** The payload that resumed this step's wait (a review, a webhook, a callback, a poll result). */
  event: Json | undefined;
  /** This step's own output of an earlier attempt that waited (e.g. the provider's prediction id). */
  attempt: number;
  deps: Deps;
  signal: AbortSignal;
  /** Reports progress within the step, 0..1. */
  progress(fraction: number, message?: string): Promise<void>;
  trace(message: string): Promise<void>;
  /** Merges into the job's state (e.g. a provider's prediction id, so its webhook finds the job). */
  setState(patch: JsonObject): Promise<void>;
  /**
   * Stores bytes and upserts the job's asset for `slot`: idempotent across retries and resumes.
   * Writes nothing once the job is no longer this worker's (throws LeaseLostError).
   */
  saveAsset(input: AssetInput): Promise<Asset>;
  items(): Promise<JobItem[]>;
  /** Marks one item done or failed; a failed item's own charge is refunded in the same transaction. */
  settleItem(idx: number, result: { output: Json } | { error: { code: string; message: string } }): Promise<void>;
}

export interface PollResult {
  done: boolean;
  /** Delivered to the step as `ctx.event` when done. */
  event?: Json;
}

export interface StepDef {
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
  run(ctx: StepContext): Promise<StepOutcome | void>;
  poll?(ctx: StepContext): Promise<PollResult>;
}

export interface PipelineDef {
  id: string;
  app: string;
  steps: StepDef[];
  /** The job's `result` once every step is done. */
  result?(ctx: { job: Job; outputs: Record<string, Json>; deps: Deps }): Promise<Json> | Json;
}

export class PipelineRegistry {
  private readonly byId = new Map<string, PipelineDef>();
  /** Throws when the id is taken or the steps' needs do not form a graph (see step-graph.ts). */
  register(def: PipelineDef): this {
    if (this.byId.has(def.id)) throw new Error(`pipeline ${def.id} registered twice`);
    stepGraph(def);
    this.byId.set(def.id, def);
    return this;
  }
  get(id: string): PipelineDef | undefined {
    return this.byId.get(id);
  }
}
