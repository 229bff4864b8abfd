import type { InitialStatus, JobStatus } from '../jobs/job-status';

/** Domain records, as the services see them. */
export type Plan = 'free' | 'pro';
export type Role = 'user' | 'admin';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface User {
  id: string;
  plan: Plan;
  role: Role;
  credits: number;
  createdAt: Date;
}

export type LedgerKind = 'grant' | 'charge' | 'refund' | 'adjust';

export interface LedgerEntry {
  id: number;
  userId: string;
  kind: LedgerKind;
  amount: number;
  jobId: string | null;
  itemIndex: number | null;
  idemKey: string;
  reason: string;
  createdAt: Date;
}

export interface HistoryEntry {
  status: JobStatus;
  at: string;
  note?: string;
}

export interface TraceEntry {
  at: string;
  step?: string;
  message: string;
}

/** What a waiting job waits for: a person, a webhook, a worker callback, or a poll. */
export interface JobWait {
  step: string;
  reason: string;
  /** Opaque token an outside event must present to resume this wait. */
  token: string;
  pollIntervalMs?: number;
}

export interface Job {
  id: string;
  userId: string;
  app: string;
  pipeline: string;
  status: JobStatus;
  progress: number;
  run: number;
  input: JsonObject;
  state: JsonObject;
  result: Json | null;
  error: JsonObject | null;
  history: HistoryEntry[];
  trace: TraceEntry[];
  entityKey: string | null;
  itemCount: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  wait: JobWait | null;
  waitDeadline: Date | null;
  nextPollAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Raised by every write of the job; the id of its events (see `JobEvent.seq`). */
  eventSeq: number;
}

/** What a job's event is made of (services/jobs/job-events.ts): a write that returns no whole row returns these. */
export type JobEventFacts = Pick<Job, 'id' | 'status' | 'progress' | 'eventSeq' | 'updatedAt'>;

export type StepStatus = 'running' | 'waiting' | 'done' | 'failed';

/** What one waiting step waits for; the job's own wait is the earliest of its steps' (core/jobs/step-waits). */
export interface StepWait {
  reason: string;
  /** Opaque token an outside event must present to resume this step; spent (the wait cleared) by the first. */
  token: string;
  /** ISO time past which the wait fails the job (WAIT_TIMEOUT). */
  deadline: string;
  /** How long after the wait starts the step is first polled; later polls back off (core/jobs/step-waits pollDelayAfter). */
  pollIntervalMs?: number;
  /** ISO time of the step's next poll; absent for a step that is not polled. */
  nextPollAt?: string;
  /** How many times the step was polled in this wait (absent: none yet). */
  polls?: number;
}

export interface JobStep {
  jobId: string;
  name: string;
  /** `waiting` with a wait: waiting for its event; `waiting` without one: resumed, its event in `output.event`. */
  status: StepStatus;
  attempts: number;
  output: Json | null;
  error: JsonObject | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  wait?: StepWait | null;
}

export type ItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobItem {
  jobId: string;
  idx: number;
  status: ItemStatus;
  cost: number;
  input: JsonObject;
  output: Json | null;
  error: JsonObject | null;
}

/** Something an app keeps for a user besides jobs and assets (seed 003's saved rules). */
export interface AppRecord {
  id: string;
  userId: string;
  app: string;
  kind: string;
  name: string;
  body: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

/** Seed 004's entity kinds: what a gallery belongs to. */
export type EntityKind = 'character' | 'story' | 'origchat';

/** A character, story or origchat character (seed 004), with the seed's gallery columns. */
export interface Entity {
  id: string;
  userId: string;
  kind: EntityKind;
  name: string;
  isPublic: boolean;
  fields: JsonObject;
  avatarUrl: string | null;
  galleryCount: number;
  representativeImageVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One image of an entity's gallery (seed 004's `media_assets`); its id is its asset's. */
export interface MediaAsset {
  id: string;
  entityType: EntityKind;
  entityId: string;
  url: string;
  width: number | null;
  height: number | null;
  isPrimary: boolean;
  orderIndex: number;
  status: 'pending' | 'ready' | 'failed';
  provider: string | null;
  seed: number | null;
  style: string | null;
  ratio: string | null;
  phash: string | null;
  jobId: string | null;
  sourceId: string | null;
  createdAt: Date;
}

export interface Upload {
  key: string;
  userId: string;
  mime: string;
  declaredSize: number;
  /** pending until verified; rejected (bytes refused, object deleted); expired (never used, object deleted). */
  status: 'pending' | 'verified' | 'rejected' | 'expired';
  size: number | null;
  sha256: string | null;
  width: number | null;
  height: number | null;
  rejectReason: string | null;
  createdAt: Date;
}

export type AssetKind = 'image' | 'video' | 'audio' | 'document' | 'thumb';

export interface Asset {
  id: string;
  userId: string;
  jobId: string | null;
  slot: string | null;
  /** The item whose charge pays for this asset; null when the job-level charge does. */
  itemIdx: number | null;
  kind: AssetKind;
  storageKey: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  sha256: string;
  phash: string | null;
  meta: JsonObject;
  createdAt: Date;
}

export type ProviderCallStatus = 'submitted' | 'succeeded' | 'failed' | 'lost';

/**
 * One call to a provider (services/providers/provider-calls.ts): a prediction from submit to
 * settle, an attempt a router passed on to the next provider (failed at once), or a moderation
 * check (synchronous, no job). Keys and request bodies are never part of it.
 */
export interface ProviderCall {
  id: number;
  jobId: string | null;
  step: string | null;
  /** The step's key of the prediction (ctx.predict's first argument). */
  key: string | null;
  /** core/ports/providers ProviderCapability. */
  capability: string;
  /** Who served or failed the call (a router's member, not the router). */
  provider: string;
  model: string | null;
  /** The id the step keeps (a router's `<provider>:<id>`); unique. Null for a call that gave none. */
  predictionId: string | null;
  /** The provider's own id: the part of its id before any `|`, as its webhook names it. */
  externalId: string | null;
  status: ProviderCallStatus;
  error: string | null;
  /** Submit to settle (first seen settled), in ms on the injected clock; null while submitted. */
  latencyMs: number | null;
  /** The provider's cost figure, in its unit, where it reports one. */
  cost: number | null;
  submittedAt: Date;
  settledAt: Date | null;
}

/** A provider's recent calls, summed up (GET /v1/admin/providers). */
export interface ProviderCallStats {
  capability: string;
  provider: string;
  /** Calls submitted since the window's start. */
  calls: number;
  /** Of those, failed or lost. */
  failures: number;
  /** Of those, settled (succeeded, failed or lost). */
  settled: number;
  /** Latency percentiles of the settled calls that have one, in ms. */
  p50Ms: number | null;
  p95Ms: number | null;
  lastError: string | null;
  /** The latest calls that succeeded or failed, newest first (at most the number asked). */
  recent: { status: 'succeeded' | 'failed'; at: Date }[];
}

export interface JobListQuery {
  userId?: string;
  app?: string;
  /** Only jobs of these pipelines (e.g. one kind of an app's work). */
  pipelines?: readonly string[];
  status?: JobStatus;
  /** Only jobs of this entity (admission's `entity.key`, e.g. the plan a render belongs to). */
  entityKey?: string;
  limit: number;
  /** Exclusive (createdAt, id) position to continue after, newest first. */
  after?: { createdAt: Date; id: string };
}

/**
 * The columns a plain update may write. No `status`: a status changes only through a transition of
 * the table (`jobs.transition`, services/jobs/transition.ts) or a statement that declares one.
 */
export type JobPatch = Partial<
  Pick<
    Job,
    | 'pipeline'
    | 'progress'
    | 'run'
    | 'input'
    | 'state'
    | 'result'
    | 'error'
    | 'history'
    | 'trace'
    | 'leaseOwner'
    | 'leaseUntil'
    | 'wait'
    | 'waitDeadline'
    | 'nextPollAt'
    | 'startedAt'
    | 'finishedAt'
  >
>;

/** The repositories one transaction sees. Every method runs inside the transaction that made it. */
export interface Repos {
  users: {
    insert(user: Pick<User, 'id' | 'plan' | 'role'>): Promise<User>;
    get(id: string): Promise<User | null>;
    /** Row lock held until the transaction ends: serialises a user's limit checks. */
    getForUpdate(id: string): Promise<User | null>;
    update(id: string, patch: Partial<Pick<User, 'plan' | 'role'>>): Promise<User | null>;
  };
  ledger: {
    /**
     * Appends an entry and moves the balance by `amount`, unless an entry with the same idemKey
     * exists (then `applied` is false). A debit that would make the balance negative returns
     * `insufficient` and changes nothing.
     */
    apply(entry: Omit<LedgerEntry, 'id' | 'createdAt'>): Promise<
      { outcome: 'applied'; balance: number } | { outcome: 'duplicate' } | { outcome: 'insufficient'; balance: number }
    >;
    listForUser(userId: string, limit: number, beforeId?: number): Promise<LedgerEntry[]>;
    listForJob(jobId: string): Promise<LedgerEntry[]>;
    /**
     * Credits charged and refunded over the whole ledger, as positive sums, by the app of the job
     * each entry was for (null for entries without a job). Reads every charge and refund: for scrapes.
     */
    totalsByApp(): Promise<{ app: string | null; charged: number; refunded: number }[]>;
  };
  jobs: {
    /** A job enters the state machine as a draft or queued (core/jobs/job-status INITIAL_STATUSES); `createdAt` is the store clock's. */
    insert(job: Pick<Job, 'id' | 'userId' | 'app' | 'pipeline' | 'input' | 'entityKey'> & { status: InitialStatus } & Partial<Omit<Job, 'status'>>): Promise<Job>;
    get(id: string): Promise<Job | null>;
    /** The job's `state` alone (null: no such job): what a step reads again between its predictions, without the history and trace. */
    stateOf(id: string): Promise<Job['state'] | null>;
    getForUpdate(id: string): Promise<Job | null>;
    /**
     * Takes a job for a worker in one statement: when it is queued in this run, or running with an
     * expired lease, it becomes running under `workerId` until `leaseUntil`. Null when not claimable.
     */
    claim(jobId: string, run: number, workerId: string, leaseUntil: Date, now: Date): Promise<Job | null>;
    /**
     * Records a finished step and moves the job's progress in one statement, only while `workerId`
     * owns the running job; with `complete`, the job also becomes completed. Null when not owned.
     */
    finishStep(input: {
      step: JobStep;
      workerId: string;
      progress: number;
      trace: TraceEntry;
      complete?: { result: Json | null; at: Date };
    }): Promise<Job | null>;
    /**
     * Claims a job that is still queued in this run and records the steps that ran ahead of the
     * claim, in one statement; with `complete`, the job is completed at once. Null when the job is
     * not queued in this run (then nothing is written).
     */
    claimAhead(input: {
      jobId: string;
      run: number;
      workerId: string;
      leaseUntil: Date;
      now: Date;
      steps: JobStep[];
      trace: TraceEntry[];
      progress: number;
      complete?: { result: Json | null };
    }): Promise<Job | null>;
    /**
     * Applies the patch only when the job's status is one of `from`; returns the updated job or null.
     * It never changes a status: a patch carrying `status` throws (a caller casting past the type).
     */
    update(id: string, patch: JobPatch, from?: readonly JobStatus[]): Promise<Job | null>;
    /**
     * Moves the job from `change.from` to `change.to` with the patch, only while it is still in
     * `change.from`; null when it is not (someone else won). Throws when the transition table has
     * no such edge (core/jobs/job-status.ts): nothing is written.
     */
    transition(id: string, change: { from: JobStatus; to: JobStatus }, patch: JobPatch, now: Date): Promise<Job | null>;
    /**
     * Extends the lease of a running job to `until`, only while `workerId` owns it: true when it
     * did, false when the job is no longer running under this worker (then nothing is written).
     */
    renewLease(jobId: string, workerId: string, until: Date, now: Date): Promise<boolean>;
    /**
     * A running step's write in one statement, only while `workerId` owns the running job: progress
     * rises to `progress` (never falls), `state` merges into the state at its top level, `trace` is
     * appended. The job's event facts after it, or null when not owned (then nothing is written).
     */
    writeOwned(input: { jobId: string; workerId: string; progress?: number; state?: JsonObject; trace?: TraceEntry[] }): Promise<JobEventFacts | null>;
    /**
     * Records that a step of the running job waits (`wait`), in its `attempts`th attempt since
     * `at`, in one statement, only while `workerId` owns the job: false when not owned (then
     * nothing is written).
     */
    waitStep(input: { jobId: string; workerId: string; step: string; attempts: number; wait: StepWait; at: Date }): Promise<boolean>;
    list(query: JobListQuery): Promise<Job[]>;
    countActive(filter: { userId?: string; app?: string; entityKey?: string }): Promise<number>;
    /** The newest active (queued, running, waiting) job of an entity (admission's `entity.key`), or null. */
    activeOfEntity(entityKey: string): Promise<string | null>;
    /** A user's drafts of one app: jobs made and not yet run or cancelled. */
    countDrafts(filter: { userId: string; app: string }): Promise<number>;
    /**
     * For an app's sweeps: its drafts made before `createdBefore`, or (`cancelledDrafts`) its jobs
     * cancelled as drafts (never run) between `updatedAfter` and `updatedBefore` whose state has no
     * `swept` mark. Oldest first.
     */
    findDrafts(q: { app: string; createdBefore: Date; limit: number }): Promise<Job[]>;
    findCancelledDrafts(q: { app: string; updatedAfter: Date; updatedBefore: Date; limit: number }): Promise<Job[]>;
    /** Jobs the reconciler must look at: queued or running with an expired lease, expired waits, due polls. */
    findQueuedOlderThan(before: Date, limit: number): Promise<Job[]>;
    findExpiredLeases(now: Date, limit: number): Promise<Job[]>;
    findExpiredWaits(now: Date, limit: number): Promise<Job[]>;
    findDuePolls(now: Date, limit: number): Promise<Job[]>;
    countByStatus(): Promise<Record<string, number>>;
    /** Jobs by app and status, one row per pair that has any. */
    countByAppStatus(): Promise<{ app: string; status: JobStatus; count: number }[]>;
    /**
     * Jobs that entered each status in [from, to), by their history entries, counted per bucket of
     * `bucketMs` from `from` (bucket 0 starts at `from`); a job entering a status twice in a bucket
     * counts once. Only pairs with a count are returned.
     */
    statusChanges(q: { from: Date; to: Date; bucketMs: number }): Promise<{ bucket: number; status: JobStatus; count: number }[]>;
  };
  steps: {
    list(jobId: string): Promise<JobStep[]>;
    upsert(step: JobStep): Promise<void>;
  };
  items: {
    insertMany(items: JobItem[]): Promise<void>;
    list(jobId: string): Promise<JobItem[]>;
    update(jobId: string, idx: number, patch: Partial<Pick<JobItem, 'status' | 'output' | 'error'>>): Promise<void>;
  };
  counters: {
    /** Adds `by` to the counter unless that would pass `limit`; true when it was added. */
    incrementIfBelow(key: { scope: string; subject: string; window: string }, by: number, limit: number): Promise<boolean>;
    /** Gives back what incrementIfBelow took (a refunded daily quota). */
    decrement(key: { scope: string; subject: string; window: string }, by: number): Promise<void>;
    get(key: { scope: string; subject: string; window: string }): Promise<number>;
    /**
     * Deletes counters of windows that have ended: minute windows (YYYY-MM-DDTHH:MM) before
     * `minute`, hour windows (YYYY-MM-DDTHH) before `hour`, day windows (YYYY-MM-DD) before `day`.
     * Returns how many rows went.
     */
    pruneBefore(windows: { minute: string; hour: string; day: string }): Promise<number>;
  };
  records: {
    insert(record: AppRecord): Promise<AppRecord>;
    get(id: string): Promise<AppRecord | null>;
    /** A user's records of one app and kind, oldest first. */
    list(owner: { userId: string; app: string; kind: string }): Promise<AppRecord[]>;
    count(owner: { userId: string; app: string; kind: string }): Promise<number>;
    update(id: string, patch: Partial<Pick<AppRecord, 'name' | 'body'>> & { updatedAt: Date }): Promise<AppRecord | null>;
    /** True when it existed. */
    delete(id: string): Promise<boolean>;
  };
  entities: {
    insert(entity: Omit<Entity, 'avatarUrl' | 'galleryCount' | 'representativeImageVersion'>): Promise<Entity>;
    get(id: string): Promise<Entity | null>;
    /** Locks the row for the transaction: every change to an entity's gallery takes it first. */
    getForUpdate(id: string): Promise<Entity | null>;
    /** Newest first: a user's of one kind, or (owner omitted) the public ones of that kind. */
    list(q: { kind: EntityKind; userId?: string; limit: number }): Promise<Entity[]>;
    update(id: string, patch: Partial<Pick<Entity, 'name' | 'isPublic' | 'fields' | 'avatarUrl' | 'galleryCount' | 'representativeImageVersion'>> & { updatedAt: Date }): Promise<Entity | null>;
    delete(id: string): Promise<boolean>;
  };
  mediaAssets: {
    insert(row: MediaAsset): Promise<MediaAsset>;
    get(id: string): Promise<MediaAsset | null>;
    /** An entity's images by order_index, then age. */
    listForEntity(entityId: string): Promise<MediaAsset[]>;
    update(id: string, patch: Partial<Pick<MediaAsset, 'isPrimary' | 'orderIndex' | 'status'>>): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  uploads: {
    /** `createdAt` from the service's clock, which the sweeper's cut-offs are measured against. */
    insert(upload: Pick<Upload, 'key' | 'userId' | 'mime' | 'declaredSize' | 'createdAt'>): Promise<void>;
    get(key: string): Promise<Upload | null>;
    markVerified(key: string, facts: { size: number; sha256: string; width: number; height: number }, at: Date): Promise<void>;
    /** Records why the bytes were refused; only a pending upload can become rejected. */
    markRejected(key: string, reason: string): Promise<void>;
    /** A pending or verified upload whose object was deleted unused. */
    markExpired(key: string): Promise<void>;
    /**
     * Uploads whose object should go: pending ones created before `pendingBefore` (their PUT URL
     * long expired, never verified), and verified ones verified before `verifiedBefore` that no job
     * of their owner names in its input's photos.
     */
    findUnused(q: { pendingBefore: Date; verifiedBefore: Date; limit: number }): Promise<Pick<Upload, 'key' | 'status'>[]>;
  };
  assets: {
    /** Inserts, or replaces the row of the same (jobId, slot): resumed steps never duplicate assets. */
    upsert(asset: Omit<Asset, 'createdAt'>): Promise<Asset>;
    listForJob(jobId: string): Promise<Asset[]>;
    get(id: string): Promise<Asset | null>;
    /** Removes these rows of the job (their objects are the caller's to delete). */
    deleteForJob(jobId: string, ids: string[]): Promise<void>;
    /** Removes one row (and what references it: a gallery's media_assets row); its object is the caller's to delete. */
    delete(id: string): Promise<boolean>;
  };
  providerCalls: {
    /** Records a call; false (nothing written) when its prediction id is recorded already. */
    insert(call: Omit<ProviderCall, 'id'>): Promise<boolean>;
    /**
     * Settles the submitted call of this prediction, once: its status, error and cost, `settledAt`
     * = `at`, and its latency from its `submittedAt`: who served it, and that latency. Null when no
     * call of it is still submitted (settled already, or never recorded): nothing is written.
     */
    settle(
      predictionId: string,
      outcome: { status: Exclude<ProviderCallStatus, 'submitted'>; error: string | null; cost: number | null; at: Date },
    ): Promise<{ provider: string; capability: string; latencyMs: number } | null>;
    /** A job's calls in the order they were made. */
    listForJob(jobId: string): Promise<ProviderCall[]>;
    /** The job and step of the latest call `provider` knows as `externalId` (its webhook's id); null when none. */
    findByExternalId(provider: string, externalId: string): Promise<{ jobId: string | null; step: string | null } | null>;
    /** Each (capability, provider)'s calls submitted since `since`, with the latest `recent` outcomes. */
    stats(since: Date, recent: number): Promise<ProviderCallStats[]>;
  };
  webhooks: {
    /**
     * Records a provider's webhook delivery; true the first time (provider, deliveryId) is seen,
     * false for a replay. Inside the transaction that acts on the delivery, so a failed attempt
     * records nothing and the provider's retry is not mistaken for a replay.
     */
    remember(provider: string, deliveryId: string): Promise<boolean>;
  };
  /** Transaction-scoped advisory lock on an arbitrary key (per-entity limits). */
  lock(key: string): Promise<void>;
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; everything in it commits or nothing does. */
  tx<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  /** Runs `fn` outside an explicit transaction (each statement on its own). */
  read<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  /**
   * Like `read`, for worker bookkeeping (claims, step records, progress) whose loss in a database
   * crash is recovered by redoing an idempotent step: commits do not wait for the WAL flush.
   * Money and submissions never go through here.
   */
  relaxed<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
