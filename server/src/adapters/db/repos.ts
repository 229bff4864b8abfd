import { and, asc, desc, eq, gt, inArray, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ACTIVE_STATUSES, type JobStatus } from '../../core/jobs/job-status';
import type { Clock } from '../../core/ports/clock';
import type { AppRecord, Asset, Job, JobItem, JobStep, LedgerEntry, Repos, Upload, User } from '../../core/ports/store';
import { HotQueries, type SqlRunner } from './hot-queries';
import { galleryRepos } from './gallery-repos';
import { providerCallsRepo } from './provider-calls-repo';
import * as t from './schema';

// Both PGlite and node-postgres drizzle databases (and their transactions) share this API.
export type Db = PgDatabase<PgQueryResultHKT, typeof t>;

const toUser = (r: typeof t.users.$inferSelect): User => r as User;
const toJob = (r: typeof t.jobs.$inferSelect): Job => r as unknown as Job;
const toRecord = (r: typeof t.appRecords.$inferSelect): AppRecord => r as AppRecord;
const ownedBy = (o: { userId: string; app: string; kind: string }) =>
  and(eq(t.appRecords.userId, o.userId), eq(t.appRecords.app, o.app), eq(t.appRecords.kind, o.kind));
const toEntry = (r: typeof t.ledgerEntries.$inferSelect): LedgerEntry => r as LedgerEntry;
const toAsset = (r: typeof t.assets.$inferSelect): Asset => r as unknown as Asset;

/**
 * `clock`: the time of every row written (created_at, updated_at), so the database's own clock is
 * never compared with the application's. `hot`: the per-request statements in plain SQL, on the
 * store's fastest path to the same database.
 */
export function createRepos(db: Db, clock: Clock, hot: HotQueries = new HotQueries(drizzleRunner(db), clock)): Repos {
  return {
    users: {
      async insert(user) {
        const [row] = await db.insert(t.users).values({ ...user, createdAt: clock.now() }).returning();
        return toUser(row!);
      },
      get: (id) => hot.getUser(id),
      getForUpdate: (id) => hot.getUserForUpdate(id),
      async update(id, patch) {
        const [row] = await db.update(t.users).set(patch).where(eq(t.users.id, id)).returning();
        return row ? toUser(row) : null;
      },
    },

    ledger: {
      apply: (entry) => hot.applyLedger(entry),
      async listForUser(userId, limit, beforeId) {
        const where = beforeId === undefined
          ? eq(t.ledgerEntries.userId, userId)
          : and(eq(t.ledgerEntries.userId, userId), lt(t.ledgerEntries.id, beforeId));
        const rows = await db.select().from(t.ledgerEntries).where(where).orderBy(desc(t.ledgerEntries.id)).limit(limit);
        return rows.map(toEntry);
      },
      async listForJob(jobId) {
        const rows = await db.select().from(t.ledgerEntries).where(eq(t.ledgerEntries.jobId, jobId)).orderBy(asc(t.ledgerEntries.id));
        return rows.map(toEntry);
      },
      async totalsByApp() {
        // Charges are written negative, refunds positive (services/credits/ledger.ts): both as positive sums.
        const rows = await db
          .select({
            app: t.jobs.app,
            charged: sql<string>`coalesce(sum(case when ${t.ledgerEntries.kind} = 'charge' then -${t.ledgerEntries.amount} else 0 end), 0)::bigint`,
            refunded: sql<string>`coalesce(sum(case when ${t.ledgerEntries.kind} = 'refund' then ${t.ledgerEntries.amount} else 0 end), 0)::bigint`,
          })
          .from(t.ledgerEntries)
          .leftJoin(t.jobs, eq(t.jobs.id, t.ledgerEntries.jobId))
          .where(inArray(t.ledgerEntries.kind, ['charge', 'refund']))
          .groupBy(t.jobs.app);
        return rows.map((r) => ({ app: r.app, charged: Number(r.charged), refunded: Number(r.refunded) }));
      },
    },

    jobs: {
      insert: (job) => hot.insert(job),
      get: (id) => hot.get(id),
      stateOf: (id) => hot.stateOf(id),
      getForUpdate: (id) => hot.getForUpdate(id),
      claim: (...args) => hot.claim(...args),
      finishStep: (input) => hot.finishStep(input),
      claimAhead: (input) => hot.claimAhead(input),
      update: (id, patch, from) => hot.update(id, patch, from),
      transition: (id, change, patch, now) => hot.transition(id, change, patch, now),
      renewLease: (jobId, workerId, until, now) => hot.renewLease(jobId, workerId, until, now),
      writeOwned: (input) => hot.writeOwned(input),
      waitStep: (input) => hot.waitStep(input),
      async list(q) {
        const conds: SQL[] = [];
        if (q.userId) conds.push(eq(t.jobs.userId, q.userId));
        if (q.app) conds.push(eq(t.jobs.app, q.app));
        if (q.pipelines) conds.push(inArray(t.jobs.pipeline, [...q.pipelines]));
        if (q.status) conds.push(eq(t.jobs.status, q.status));
        if (q.entityKey) conds.push(eq(t.jobs.entityKey, q.entityKey));
        if (q.after) {
          conds.push(
            or(
              lt(t.jobs.createdAt, q.after.createdAt),
              and(eq(t.jobs.createdAt, q.after.createdAt), lt(t.jobs.id, q.after.id)),
            )!,
          );
        }
        const rows = await db
          .select()
          .from(t.jobs)
          .where(conds.length ? and(...conds) : undefined)
          .orderBy(desc(t.jobs.createdAt), desc(t.jobs.id))
          .limit(q.limit);
        return rows.map(toJob);
      },
      async countActive(f) {
        if (f.userId && f.app && !f.entityKey) return hot.countActiveOfUser(f.userId, f.app);
        const conds: SQL[] = [inArray(t.jobs.status, [...ACTIVE_STATUSES])];
        if (f.userId) conds.push(eq(t.jobs.userId, f.userId));
        if (f.app) conds.push(eq(t.jobs.app, f.app));
        if (f.entityKey) conds.push(eq(t.jobs.entityKey, f.entityKey));
        const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(t.jobs).where(and(...conds));
        return row?.n ?? 0;
      },
      async activeOfEntity(entityKey) {
        const [row] = await db.select({ id: t.jobs.id }).from(t.jobs)
          .where(and(eq(t.jobs.entityKey, entityKey), inArray(t.jobs.status, [...ACTIVE_STATUSES]))).orderBy(desc(t.jobs.createdAt)).limit(1);
        return row?.id ?? null;
      },
      async countDrafts(f) {
        const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(t.jobs)
          .where(and(eq(t.jobs.userId, f.userId), eq(t.jobs.app, f.app), eq(t.jobs.status, 'draft')));
        return row?.n ?? 0;
      },
      async findDrafts(q) {
        const rows = await db.select().from(t.jobs)
          .where(and(eq(t.jobs.status, 'draft'), eq(t.jobs.app, q.app), lt(t.jobs.createdAt, q.createdBefore)))
          .orderBy(asc(t.jobs.createdAt)).limit(q.limit);
        return rows.map(toJob);
      },
      async findCancelledDrafts(q) {
        const rows = await db.select().from(t.jobs)
          .where(and(
            eq(t.jobs.status, 'cancelled'), eq(t.jobs.app, q.app), eq(t.jobs.run, 0),
            gt(t.jobs.updatedAt, q.updatedAfter), lt(t.jobs.updatedAt, q.updatedBefore), sql`${t.jobs.state}->>'swept' is null`,
          ))
          .orderBy(asc(t.jobs.updatedAt)).limit(q.limit);
        return rows.map(toJob);
      },
      async findQueuedOlderThan(before, limit) {
        const rows = await db.select().from(t.jobs)
          .where(and(eq(t.jobs.status, 'queued'), lt(t.jobs.updatedAt, before)))
          .orderBy(asc(t.jobs.updatedAt)).limit(limit);
        return rows.map(toJob);
      },
      async findExpiredLeases(now, limit) {
        const rows = await db.select().from(t.jobs)
          .where(and(eq(t.jobs.status, 'running'), isNotNull(t.jobs.leaseUntil), lt(t.jobs.leaseUntil, now)))
          .limit(limit);
        return rows.map(toJob);
      },
      async findExpiredWaits(now, limit) {
        const rows = await db.select().from(t.jobs)
          .where(and(eq(t.jobs.status, 'waiting'), isNotNull(t.jobs.waitDeadline), lt(t.jobs.waitDeadline, now)))
          .limit(limit);
        return rows.map(toJob);
      },
      async findDuePolls(now, limit) {
        const rows = await db.select().from(t.jobs)
          .where(and(eq(t.jobs.status, 'waiting'), isNotNull(t.jobs.nextPollAt), lte(t.jobs.nextPollAt, now)))
          .orderBy(asc(t.jobs.nextPollAt)).limit(limit);
        return rows.map(toJob);
      },
      async countByStatus() {
        const rows = await db.select({ status: t.jobs.status, n: sql<number>`count(*)::int` }).from(t.jobs).groupBy(t.jobs.status);
        return Object.fromEntries(rows.map((r) => [r.status, r.n]));
      },
      async countByAppStatus() {
        const rows = await db.select({ app: t.jobs.app, status: t.jobs.status, count: sql<number>`count(*)::int` })
          .from(t.jobs).groupBy(t.jobs.app, t.jobs.status);
        return rows as { app: string; status: JobStatus; count: number }[];
      },
      async statusChanges({ from, to, bucketMs }) {
        // Every status change appends {status, at} to the history and sets updated_at to the same
        // time (hot-queries.ts), so jobs not updated since `from` cannot have an entry in the window.
        const at = sql`(h.value->>'at')::timestamptz`;
        const start = sql`${from.toISOString()}::timestamptz`;
        const result = (await db.execute(sql`
          select floor(extract(epoch from (${at} - ${start})) * 1000 / ${bucketMs}::int)::int as bucket,
            h.value->>'status' as status, count(distinct j.id)::int as count
          from ${t.jobs} j cross join lateral jsonb_array_elements(j.history) h
          where j.updated_at >= ${start} and ${at} >= ${start} and ${at} < ${to.toISOString()}::timestamptz
          group by 1, 2`)) as unknown as { rows: { bucket: number; status: JobStatus; count: number }[] };
        return result.rows.map((r) => ({ bucket: Number(r.bucket), status: r.status, count: Number(r.count) }));
      },
    },

    steps: {
      async list(jobId) {
        const rows = await db.select().from(t.jobSteps).where(eq(t.jobSteps.jobId, jobId));
        return rows as JobStep[];
      },
      async upsert(step) {
        const row = { ...step, wait: step.wait ?? null };
        await db.insert(t.jobSteps).values(row as typeof t.jobSteps.$inferInsert).onConflictDoUpdate({
          target: [t.jobSteps.jobId, t.jobSteps.name],
          set: {
            status: step.status,
            attempts: step.attempts,
            output: step.output,
            error: step.error,
            startedAt: step.startedAt,
            finishedAt: step.finishedAt,
            wait: row.wait,
          },
        });
      },
    },

    items: {
      async insertMany(items) {
        const at = clock.now();
        if (items.length) await db.insert(t.jobItems).values(items.map((i) => ({ ...i, updatedAt: at })) as (typeof t.jobItems.$inferInsert)[]);
      },
      async list(jobId) {
        const rows = await db.select().from(t.jobItems).where(eq(t.jobItems.jobId, jobId)).orderBy(asc(t.jobItems.idx));
        return rows as JobItem[];
      },
      async update(jobId, idx, patch) {
        await db.update(t.jobItems).set({ ...patch, updatedAt: clock.now() })
          .where(and(eq(t.jobItems.jobId, jobId), eq(t.jobItems.idx, idx)));
      },
    },

    counters: {
      async incrementIfBelow(key, by, limit) {
        if (by > limit) return false;
        // Concurrent upserts of one key serialise on its row; the WHERE re-reads the committed count.
        const rows = await db
          .insert(t.counters)
          .values({ ...key, count: by })
          .onConflictDoUpdate({
            target: [t.counters.scope, t.counters.subject, t.counters.window],
            set: { count: sql`${t.counters.count} + ${by}` },
            setWhere: sql`${t.counters.count} + ${by} <= ${limit}`,
          })
          .returning({ count: t.counters.count });
        return rows.length > 0;
      },
      async decrement(key, by) {
        await db.update(t.counters).set({ count: sql`greatest(${t.counters.count} - ${by}, 0)` })
          .where(and(eq(t.counters.scope, key.scope), eq(t.counters.subject, key.subject), eq(t.counters.window, key.window)));
      },
      async get(key) {
        const [row] = await db.select({ count: t.counters.count }).from(t.counters)
          .where(and(eq(t.counters.scope, key.scope), eq(t.counters.subject, key.subject), eq(t.counters.window, key.window)));
        return row?.count ?? 0;
      },
      async pruneBefore(w) {
        // A window's kind is its length; ISO prefixes of one length order as their times do.
        const win = t.counters.window;
        const rows = await db.delete(t.counters).where(or(
          and(sql`length(${win}) = 16`, lt(win, w.minute)),
          and(sql`length(${win}) = 13`, lt(win, w.hour)),
          and(sql`length(${win}) = 10`, lt(win, w.day)),
        )).returning({ scope: t.counters.scope });
        return rows.length;
      },
    },

    records: {
      async insert(record) {
        const [row] = await db.insert(t.appRecords).values(record).returning();
        return toRecord(row!);
      },
      async get(id) {
        const [row] = await db.select().from(t.appRecords).where(eq(t.appRecords.id, id));
        return row ? toRecord(row) : null;
      },
      async list(o) {
        const rows = await db.select().from(t.appRecords).where(ownedBy(o)).orderBy(asc(t.appRecords.createdAt), asc(t.appRecords.id));
        return rows.map(toRecord);
      },
      async count(o) {
        const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(t.appRecords).where(ownedBy(o));
        return row?.n ?? 0;
      },
      async update(id, patch) {
        const [row] = await db.update(t.appRecords).set(patch).where(eq(t.appRecords.id, id)).returning();
        return row ? toRecord(row) : null;
      },
      async delete(id) {
        const rows = await db.delete(t.appRecords).where(eq(t.appRecords.id, id)).returning({ id: t.appRecords.id });
        return rows.length > 0;
      },
    },

    uploads: {
      async insert(upload) {
        await db.insert(t.uploads).values(upload);
      },
      async get(key) {
        const [row] = await db.select().from(t.uploads).where(eq(t.uploads.key, key));
        return (row as Upload | undefined) ?? null;
      },
      async markVerified(key, facts, at) {
        await db.update(t.uploads).set({ ...facts, status: 'verified', verifiedAt: at }).where(eq(t.uploads.key, key));
      },
      async markRejected(key, reason) {
        await db.update(t.uploads).set({ status: 'rejected', rejectReason: reason }).where(and(eq(t.uploads.key, key), eq(t.uploads.status, 'pending')));
      },
      async markExpired(key) {
        await db.update(t.uploads).set({ status: 'expired' }).where(and(eq(t.uploads.key, key), inArray(t.uploads.status, ['pending', 'verified'])));
      },
      async findUnused(q) {
        // A job names its photos by key in input.photos (a draft's and a confirmed job's alike).
        const named = sql`exists (select 1 from ${t.jobs} where ${t.jobs.userId} = ${t.uploads.userId}
          and ${t.jobs.input}->'photos' @> jsonb_build_array(jsonb_build_object('key', ${t.uploads.key})))`;
        const rows = await db.select({ key: t.uploads.key, status: t.uploads.status }).from(t.uploads)
          .where(or(
            and(eq(t.uploads.status, 'pending'), lt(t.uploads.createdAt, q.pendingBefore)),
            and(eq(t.uploads.status, 'verified'), lt(t.uploads.verifiedAt, q.verifiedBefore), sql`not ${named}`),
          ))
          .limit(q.limit);
        return rows as Pick<Upload, 'key' | 'status'>[];
      },
    },

    assets: {
      async upsert(asset) {
        const values = { ...asset, createdAt: clock.now() } as typeof t.assets.$inferInsert;
        const { id: _id, ...rest } = values;
        const [row] = asset.jobId && asset.slot
          ? await db.insert(t.assets).values(values)
            .onConflictDoUpdate({ target: [t.assets.jobId, t.assets.slot], set: rest }).returning()
          : await db.insert(t.assets).values(values).returning();
        return toAsset(row!);
      },
      async listForJob(jobId) {
        const rows = await db.select().from(t.assets).where(eq(t.assets.jobId, jobId)).orderBy(asc(t.assets.createdAt), asc(t.assets.slot));
        return rows.map(toAsset);
      },
      async get(id) {
        const [row] = await db.select().from(t.assets).where(eq(t.assets.id, id));
        return row ? toAsset(row) : null;
      },
      async deleteForJob(jobId, ids) {
        if (ids.length) await db.delete(t.assets).where(and(eq(t.assets.jobId, jobId), inArray(t.assets.id, ids)));
      },
      async delete(id) {
        const rows = await db.delete(t.assets).where(eq(t.assets.id, id)).returning({ id: t.assets.id });
        return rows.length > 0;
      },
    },

    providerCalls: providerCallsRepo(db),
    ...galleryRepos(db),

    webhooks: {
      async remember(provider, deliveryId) {
        const rows = await db.insert(t.webhookDeliveries).values({ provider, deliveryId, receivedAt: clock.now() })
          .onConflictDoNothing().returning({ id: t.webhookDeliveries.deliveryId });
        return rows.length > 0;
      },
    },

    async lock(key) {
      await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    },
  };
}

export type { JobStatus };


/** Runs hot statements through drizzle (inside a transaction, where the store has no other path). */
function drizzleRunner(db: Db): SqlRunner {
  return {
    async query(_name, text, values) {
      const parts = text.split(/\$(\d+)/);
      const query = sql.empty();
      // sql.param: an array stays one parameter (a bare array in a template becomes a list).
      parts.forEach((part, i) => query.append(i % 2 ? sql`${sql.param(values[Number(part) - 1])}` : sql.raw(part)));
      const result = (await db.execute(query)) as unknown as { rows: Record<string, unknown>[] };
      return result.rows;
    },
  };
}
