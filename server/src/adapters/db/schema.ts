import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    plan: text('plan').notNull().default('free'),
    role: text('role').notNull().default('user'),
    // The balance is a cache of the ledger, updated in the same transaction as each entry.
    credits: integer('credits').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [check('users_credits_non_negative', sql`${t.credits} >= 0`)],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    kind: text('kind').notNull(),
    amount: integer('amount').notNull(),
    jobId: text('job_id'),
    itemIndex: integer('item_index'),
    // One entry per idempotency key: a redelivered job cannot charge or refund twice.
    idemKey: text('idem_key').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_entries_idem_key').on(t.idemKey),
    index('ledger_entries_user').on(t.userId, t.id),
    index('ledger_entries_job').on(t.jobId),
  ],
);

export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    app: text('app').notNull(),
    pipeline: text('pipeline').notNull(),
    status: text('status').notNull(),
    progress: real('progress').notNull().default(0),
    // Incremented on every enqueue, so queue messages of an old run are ignored.
    run: integer('run').notNull().default(0),
    input: jsonb('input').notNull().default({}),
    state: jsonb('state').notNull().default({}),
    result: jsonb('result'),
    error: jsonb('error'),
    history: jsonb('history').notNull().default([]),
    trace: jsonb('trace').notNull().default([]),
    entityKey: text('entity_key'),
    // Jobs without items skip the item settlement on completion.
    itemCount: integer('item_count').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseUntil: ts('lease_until'),
    wait: jsonb('wait'),
    waitDeadline: ts('wait_deadline'),
    nextPollAt: ts('next_poll_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    // Raised by every UPDATE of the row (hot-queries.ts): the id of the job's Server-Sent Events,
    // increasing per job across processes and restarts, so a reconnecting client resumes after it.
    eventSeq: integer('event_seq').notNull().default(1),
  },
  (t) => [
    index('jobs_user_created').on(t.userId, t.createdAt, t.id),
    index('jobs_status').on(t.status),
    index('jobs_entity_active').on(t.entityKey).where(sql`${t.status} in ('queued','running','waiting')`),
    // Admission counts a user's active jobs of an app on every submit: the active ones only, however many ended.
    index('jobs_user_app_active').on(t.userId, t.app).where(sql`${t.status} in ('queued','running','waiting')`),
  ],
);

export const jobSteps = pgTable(
  'job_steps',
  {
    jobId: text('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    output: jsonb('output'),
    error: jsonb('error'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** A waiting step's wait (core/ports/store StepWait: reason, token, deadline, poll interval, next poll); null otherwise. */
    wait: jsonb('wait'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.name] })],
);

export const jobItems = pgTable(
  'job_items',
  {
    jobId: text('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    status: text('status').notNull(),
    cost: integer('cost').notNull().default(0),
    input: jsonb('input').notNull().default({}),
    output: jsonb('output'),
    error: jsonb('error'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.idx] })],
);

export const uploads = pgTable(
  'uploads',
  {
    key: text('key').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    mime: text('mime').notNull(),
    declaredSize: integer('declared_size').notNull(),
    status: text('status').notNull().default('pending'),
    size: integer('size'),
    sha256: text('sha256'),
    width: integer('width'),
    height: integer('height'),
    // Why verification refused the bytes (shown to a later draft); the object itself is deleted.
    rejectReason: text('reject_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    verifiedAt: ts('verified_at'),
  },
  (t) => [index('uploads_user').on(t.userId), index('uploads_status_created').on(t.status, t.createdAt)],
);

export const assets = pgTable(
  'assets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    jobId: text('job_id').references(() => jobs.id, { onDelete: 'cascade' }),
    // A job's named output (clip_1, thumb_1, video_final): one row per slot, so a resumed step overwrites.
    slot: text('slot'),
    // The job item this asset belongs to (per-item pricing); null for the job's own outputs.
    itemIdx: integer('item_idx'),
    kind: text('kind').notNull(),
    storageKey: text('storage_key').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    width: integer('width'),
    height: integer('height'),
    durationSec: real('duration_sec'),
    sha256: text('sha256').notNull(),
    phash: text('phash'),
    meta: jsonb('meta').notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('assets_job_slot').on(t.jobId, t.slot), index('assets_user').on(t.userId)],
);

export const counters = pgTable(
  'counters',
  {
    scope: text('scope').notNull(),
    subject: text('subject').notNull(),
    window: text('window').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scope, t.subject, t.window] })],
);

/**
 * Unused since webhook_deliveries (below) keys deliveries by provider. Kept only so this change adds
 * a table without dropping one in the same migration (drizzle-kit then asks interactively whether
 * it is a rename); drop it in a migration of its own.
 */
export const webhookReceipts = pgTable('webhook_receipts', {
  id: text('id').primaryKey(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

/**
 * Provider webhook deliveries already accepted, by the provider's delivery id (Standard Webhooks
 * `webhook-id`, stable across a delivery's retries; fal: request id and timestamp): a replay
 * changes nothing (services/providers/settle-provider-webhook.ts).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    provider: text('provider').notNull(),
    deliveryId: text('delivery_id').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.deliveryId] })],
);

/**
 * Every call to a provider (services/providers/provider-calls.ts): a prediction from its submit to
 * its settling, an attempt a router passed on, a moderation check (no job). Neither keys nor
 * request bodies are kept. No foreign key to jobs: recording never waits on a job's row lock.
 */
export const providerCalls = pgTable(
  'provider_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobId: text('job_id'),
    step: text('step'),
    // The step's key of the prediction (ctx.predict's first argument).
    key: text('key'),
    capability: text('capability').notNull(),
    // Who served (or failed) it: the provider's name, not a router's list.
    provider: text('provider').notNull(),
    model: text('model'),
    // The id the step keeps (a router's `<provider>:<id>`); one row per prediction.
    predictionId: text('prediction_id'),
    // The provider's own id (before any `|`): what its webhook names.
    externalId: text('external_id'),
    status: text('status').notNull(),
    error: text('error'),
    // From submit to the first sight of it settled, on the injected clock.
    latencyMs: integer('latency_ms'),
    // The provider's own cost figure, in its unit, where it reports one.
    cost: doublePrecision('cost'),
    submittedAt: ts('submitted_at').notNull(),
    settledAt: ts('settled_at'),
  },
  (t) => [
    uniqueIndex('provider_calls_prediction').on(t.predictionId),
    index('provider_calls_external').on(t.provider, t.externalId),
    index('provider_calls_job').on(t.jobId),
    index('provider_calls_recent').on(t.submittedAt),
  ],
);

/**
 * What an app keeps for a user besides jobs and assets (seed 003's saved rules): a kind, a name and
 * a JSON body, owned by one user. An app counts them against its plan's slots under the user's row
 * lock (services/records/records-service.ts).
 */
export const appRecords = pgTable(
  'app_records',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    app: text('app').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    body: jsonb('body').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('app_records_owner').on(t.userId, t.app, t.kind, t.createdAt)],
);

/**
 * Seed 004's entities: characters, stories and origchat characters, each owned by one user and
 * public or not. `fields` holds what prompts are prefilled from (description, personality, ...);
 * `avatar_url`, `gallery_count` and `representative_image_version` are the seed's columns, kept
 * current by every change to the entity's images (apps/gallery).
 */
export const entities = pgTable(
  'entities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    isPublic: boolean('is_public').notNull().default(false),
    fields: jsonb('fields').notNull().default({}),
    avatarUrl: text('avatar_url'),
    galleryCount: integer('gallery_count').notNull().default(0),
    representativeImageVersion: integer('representative_image_version').notNull().default(0),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('entities_owner').on(t.userId, t.kind, t.createdAt), index('entities_public').on(t.kind, t.createdAt).where(sql`${t.isPublic}`)],
);

/**
 * Seed 004's `media_assets`: an entity's gallery. One row per image, the same id as its asset
 * (the stored object, its size and sha256); deleting the asset deletes the row. At most one
 * primary per entity (a partial unique index).
 */
export const mediaAssets = pgTable(
  'media_assets',
  {
    id: text('id').primaryKey().references(() => assets.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull().references(() => entities.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    width: integer('width'),
    height: integer('height'),
    isPrimary: boolean('is_primary').notNull().default(false),
    orderIndex: integer('order_index').notNull(),
    status: text('status').notNull().default('ready'),
    provider: text('provider'),
    seed: bigint('seed', { mode: 'number' }),
    style: text('style'),
    ratio: text('ratio'),
    phash: text('phash'),
    // The batch that made it, or for a crop the image it was cut from.
    jobId: text('job_id'),
    sourceId: text('source_id'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    index('media_assets_entity').on(t.entityId, t.orderIndex),
    uniqueIndex('media_assets_one_primary').on(t.entityId).where(sql`${t.isPrimary}`),
  ],
);
