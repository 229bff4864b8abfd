import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ACTIVE_STATUSES, type JobStatus } from '../../core/jobs/job-status';
import type { Asset, Job, JobItem, JobStep, LedgerEntry, Repos, Upload, User } from '../../core/ports/store';
import * as t from './schema';

// Both PGlite and node-postgres drizzle databases (and their transactions) share this API.
export type Db = PgDatabase<PgQueryResultHKT, typeof t>;

const toUser = (r: typeof t.users.$inferSelect): User => r as User;
const toJob = (r: typeof t.jobs.$inferSelect): Job => r as unknown as Job;
const toEntry = (r: typeof t.ledgerEntries.$inferSelect): LedgerEntry => r as LedgerEntry;
const toAsset = (r: typeof t.assets.$inferSelect): Asset => r as unknown as Asset;

/** `pooled`: `db` is a pool, not a transaction, so the engine's prepared statements may be used. */
export function createRepos(db: Db, pooled = false): Repos {
  return {
    users: {
      async insert(user) {
        const [row] = await db.insert(t.users).values(user).returning();
        return toUser(row!);
      },
      async get(id) {
        const [row] = await db.select().from(t.users).where(eq(t.users.id, id));
        return row ? toUser(row) : null;
      },
      async getForUpdate(id) {
        const [row] = await db.select().from(t.users).where(eq(t.users.id, id)).for('update');
        return row ? toUser(row) : null;
      },
      async update(id, patch) {
        const [row] = await db.update(t.users).set(patch).where(eq(t.users.id, id)).returning();
        return row ? toUser(row) : null;
      },
    },

    ledger: {
      async apply(entry) {
        // Insert first: a concurrent twin with the same key waits on the unique index, then does nothing.
        const inserted = await db
          .insert(t.ledgerEntries)
          .values(entry)
          .onConflictDoNothing({ target: t.ledgerEntries.idemKey })
          .returning({ id: t.ledgerEntries.id });
        if (inserted.length === 0) return { outcome: 'duplicate' };
        // The guarded update is the balance check: it cannot pass zero however many run at once.
        const [row] = await db
          .update(t.users)
          .set({ credits: sql`${t.users.credits} + ${entry.amount}` })
          .where(and(eq(t.users.id, entry.userId), sql`${t.users.credits} + ${entry.amount} >= 0`))
          .returning({ credits: t.users.credits });
        if (!row) {
          await db.delete(t.ledgerEntries).where(eq(t.ledgerEntries.id, inserted[0]!.id));
          const [user] = await db.select({ credits: t.users.credits }).from(t.users).where(eq(t.users.id, entry.userId));
          return { outcome: 'insufficient', balance: user?.credits ?? 0 };
        }
        return { outcome: 'applied', balance: row.credits };
      },
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
    },

    jobs: {
      async insert(job) {
        const [row] = pooled
          ? await hotQueries(db).insertJob.execute(insertParams(job))
          : await db.insert(t.jobs).values(job as typeof t.jobs.$inferInsert).returning();
        return toJob(row!);
      },
      async get(id) {
        const [row] = await db.select().from(t.jobs).where(eq(t.jobs.id, id));
        return row ? toJob(row) : null;
      },
      async getForUpdate(id) {
        const [row] = await db.select().from(t.jobs).where(eq(t.jobs.id, id)).for('update');
        return row ? toJob(row) : null;
      },
      async claim(jobId, run, workerId, leaseUntil, now) {
        const [row] = await hotQueries(db).claim.execute({ jobId, run, workerId, leaseUntil, now, at: now.toISOString() });
        return row ? toJob(row) : null;
      },
      async finishStep({ step, workerId, progress, trace, complete }) {
        const hot = hotQueries(db);
        const at = complete?.at ?? new Date();
        const values = {
          jobId: step.jobId, name: step.name, status: step.status, attempts: step.attempts,
          output: JSON.stringify(step.output), stepError: JSON.stringify(step.error),
          startedAt: step.startedAt, finishedAt: step.finishedAt,
          workerId, progress, trace: JSON.stringify([trace]), now: at, at: at.toISOString(),
        };
        const [row] = complete
          ? await hot.finishAndComplete.execute({ ...values, result: JSON.stringify(complete.result) })
          : await hot.finishStep.execute(values);
        return row ? toJob(row) : null;
      },
      async update(id, patch, from) {
        const where = from ? and(eq(t.jobs.id, id), inArray(t.jobs.status, [...from])) : eq(t.jobs.id, id);
        const [row] = await db
          .update(t.jobs)
          .set({ ...(patch as Partial<typeof t.jobs.$inferInsert>), updatedAt: new Date() })
          .where(where)
          .returning();
        return row ? toJob(row) : null;
      },
      async list(q) {
        const conds: SQL[] = [];
        if (q.userId) conds.push(eq(t.jobs.userId, q.userId));
        if (q.app) conds.push(eq(t.jobs.app, q.app));
        if (q.status) conds.push(eq(t.jobs.status, q.status));
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
        const conds: SQL[] = [inArray(t.jobs.status, [...ACTIVE_STATUSES])];
        if (f.userId) conds.push(eq(t.jobs.userId, f.userId));
        if (f.app) conds.push(eq(t.jobs.app, f.app));
        if (f.entityKey) conds.push(eq(t.jobs.entityKey, f.entityKey));
        const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(t.jobs).where(and(...conds));
        return row?.n ?? 0;
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
    },

    steps: {
      async list(jobId) {
        const rows = await db.select().from(t.jobSteps).where(eq(t.jobSteps.jobId, jobId));
        return rows as JobStep[];
      },
      async upsert(step) {
        await db.insert(t.jobSteps).values(step as typeof t.jobSteps.$inferInsert).onConflictDoUpdate({
          target: [t.jobSteps.jobId, t.jobSteps.name],
          set: {
            status: step.status,
            attempts: step.attempts,
            output: step.output,
            error: step.error,
            startedAt: step.startedAt,
            finishedAt: step.finishedAt,
          },
        });
      },
    },

    items: {
      async insertMany(items) {
        if (items.length) await db.insert(t.jobItems).values(items as (typeof t.jobItems.$inferInsert)[]);
      },
      async list(jobId) {
        const rows = await db.select().from(t.jobItems).where(eq(t.jobItems.jobId, jobId)).orderBy(asc(t.jobItems.idx));
        return rows as JobItem[];
      },
      async update(jobId, idx, patch) {
        await db.update(t.jobItems).set({ ...patch, updatedAt: new Date() })
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
    },

    uploads: {
      async insert(upload) {
        await db.insert(t.uploads).values(upload);
      },
      async get(key) {
        const [row] = await db.select().from(t.uploads).where(eq(t.uploads.key, key));
        return (row as Upload | undefined) ?? null;
      },
      async markVerified(key, facts) {
        await db.update(t.uploads).set({ ...facts, status: 'verified', verifiedAt: new Date() }).where(eq(t.uploads.key, key));
      },
    },

    assets: {
      async upsert(asset) {
        const values = asset as typeof t.assets.$inferInsert;
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
    },

    webhooks: {
      async remember(id) {
        const rows = await db.insert(t.webhookReceipts).values({ id }).onConflictDoNothing().returning({ id: t.webhookReceipts.id });
        return rows.length > 0;
      },
    },

    async lock(key) {
      await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    },
  };
}

export type { JobStatus };

/**
 * The engine's per-job statements, prepared once per connection pool: a job's claim and each
 * finished step are one round trip each, without rebuilding or re-planning the SQL.
 */
const hot = new WeakMap<Db, ReturnType<typeof prepareHotQueries>>();

function hotQueries(db: Db) {
  let q = hot.get(db);
  if (!q) hot.set(db, (q = prepareHotQueries(db)));
  return q;
}

function prepareHotQueries(db: Db) {
  const p = sql.placeholder;
  const now = sql`${p('now')}::timestamptz`;
  const claim = db
    .update(t.jobs)
    .set({
      status: 'running',
      leaseOwner: sql`${p('workerId')}::text`,
      leaseUntil: sql`${p('leaseUntil')}::timestamptz`,
      startedAt: sql`coalesce(${t.jobs.startedAt}, ${now})`,
      updatedAt: now,
      history: sql`${t.jobs.history} || case when ${t.jobs.status} = 'running'
        then jsonb_build_array(jsonb_build_object('status', 'running', 'at', ${p('at')}::text, 'note', 'resumed after lease expiry'))
        else jsonb_build_array(jsonb_build_object('status', 'running', 'at', ${p('at')}::text)) end`,
    })
    .where(and(
      sql`${t.jobs.id} = ${p('jobId')}::text`,
      sql`${t.jobs.run} = ${p('run')}::int`,
      or(eq(t.jobs.status, 'queued'), and(eq(t.jobs.status, 'running'), or(isNull(t.jobs.leaseUntil), sql`${t.jobs.leaseUntil} < ${now}`))),
    ))
    .returning()
    .prepare('mf_jobs_claim');

  // One statement: the step row and the job row change together; a lost lease leaves the job alone.
  const finish = (complete: boolean, name: string) => {
    const upsert = db.$with('step_upsert').as(
      db.insert(t.jobSteps).values({
        jobId: sql`${p('jobId')}::text`, name: sql`${p('name')}::text`, status: sql`${p('status')}::text`,
        attempts: sql`${p('attempts')}::int`, output: sql`${p('output')}::jsonb`, error: sql`${p('stepError')}::jsonb`,
        startedAt: sql`${p('startedAt')}::timestamptz`, finishedAt: sql`${p('finishedAt')}::timestamptz`,
      }).onConflictDoUpdate({
        target: [t.jobSteps.jobId, t.jobSteps.name],
        set: { status: sql`excluded.status`, attempts: sql`excluded.attempts`, output: sql`excluded.output`, error: sql`excluded.error`, startedAt: sql`excluded.started_at`, finishedAt: sql`excluded.finished_at` },
      }).returning({ name: t.jobSteps.name }),
    );
    const set: Record<string, unknown> = {
      progress: complete ? 1 : sql`${p('progress')}::real`,
      updatedAt: now,
      trace: sql`${t.jobs.trace} || ${p('trace')}::jsonb`,
    };
    if (complete) {
      Object.assign(set, {
        status: 'completed', result: sql`${p('result')}::jsonb`, leaseOwner: null, leaseUntil: null, finishedAt: now,
        history: sql`${t.jobs.history} || jsonb_build_array(jsonb_build_object('status', 'completed', 'at', ${p('at')}::text))`,
      });
    }
    return db
      .with(upsert)
      .update(t.jobs)
      .set(set as Partial<typeof t.jobs.$inferInsert>)
      .where(and(
        sql`${t.jobs.id} = ${p('jobId')}::text`,
        eq(t.jobs.status, 'running'),
        sql`${t.jobs.leaseOwner} = ${p('workerId')}::text`,
        sql`exists (select 1 from ${upsert})`,
      ))
      .returning()
      .prepare(name);
  };
  const insertJob = db
    .insert(t.jobs)
    .values({
      id: sql`${p('id')}::text`, userId: sql`${p('userId')}::text`, app: sql`${p('app')}::text`, pipeline: sql`${p('pipeline')}::text`,
      status: sql`${p('status')}::text`, run: sql`${p('run')}::int`, input: sql`${p('input')}::jsonb`, state: sql`${p('state')}::jsonb`,
      history: sql`${p('history')}::jsonb`, entityKey: sql`${p('entityKey')}::text`, itemCount: sql`${p('itemCount')}::int`,
    })
    .returning()
    .prepare('mf_jobs_insert');
  return { claim, insertJob, finishStep: finish(false, 'mf_jobs_finish_step'), finishAndComplete: finish(true, 'mf_jobs_finish_complete') };
}

function insertParams(job: Parameters<Repos['jobs']['insert']>[0]) {
  return {
    id: job.id, userId: job.userId, app: job.app, pipeline: job.pipeline, status: job.status, run: job.run ?? 0,
    input: JSON.stringify(job.input), state: JSON.stringify(job.state ?? {}), history: JSON.stringify(job.history ?? []),
    entityKey: job.entityKey, itemCount: job.itemCount ?? 0,
  };
}
