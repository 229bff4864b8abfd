import { createHash } from 'node:crypto';
import type { Clock } from '../../core/ports/clock';
import { ACTIVE_STATUSES, canTransition, declareTransition, INITIAL_STATUSES } from '../../core/jobs/job-status';
import type { Job, JobPatch, Repos, User } from '../../core/ports/store';
import { historyEntries, statusGuard, statusIn, statusLiteral, statusSet } from './status-guard';

/** Runs one parameterised statement; `name` lets a driver that supports it prepare it once per connection. */
export interface SqlRunner {
  query(name: string, text: string, values: unknown[]): Promise<Record<string, unknown>[]>;
}

/** A row of `jobs` as the driver returns it (jsonb parsed, timestamptz as Date). */
type JobRow = Record<string, unknown>;

function jobFromRow(r: JobRow): Job {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    app: r.app as string,
    pipeline: r.pipeline as string,
    status: r.status as Job['status'],
    progress: Number(r.progress),
    run: r.run as number,
    input: r.input as Job['input'],
    state: r.state as Job['state'],
    result: (r.result ?? null) as Job['result'],
    error: (r.error ?? null) as Job['error'],
    history: r.history as Job['history'],
    trace: r.trace as Job['trace'],
    entityKey: (r.entity_key ?? null) as string | null,
    itemCount: r.item_count as number,
    leaseOwner: (r.lease_owner ?? null) as string | null,
    leaseUntil: date(r.lease_until),
    wait: (r.wait ?? null) as Job['wait'],
    waitDeadline: date(r.wait_deadline),
    nextPollAt: date(r.next_poll_at),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    eventSeq: Number(r.event_seq),
  };
}

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v as string));

const COUNT_ACTIVE_OF_USER = `select count(*)::int as n from jobs where user_id = $1 and app = $2 and ${statusIn(ACTIVE_STATUSES)}`;

const INSERT = `insert into jobs (id, user_id, app, pipeline, status, run, input, state, history, entity_key, item_count, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12::timestamptz, $12::timestamptz)
  returning created_at, updated_at, progress, event_seq`;

// Every UPDATE of jobs sets this: a subscriber drops an event whose seq it has passed, so a write
// that published without raising it would be lost to live clients (jobs-routes.ts, events).
const BUMP = 'event_seq = event_seq + 1';

/**
 * The status change each hot statement makes, declared against the transition table when this
 * module loads (declareTransition throws on an edge the table lacks); each statement's status
 * guard, status assignment and history entries are rendered from its declaration, never written
 * by hand. status-transitions.test.ts runs every one of them from every status.
 */
export const HOT_TRANSITIONS = {
  /** A queued job, or a running one whose lease expired: every source the table gives `running`. */
  claim: declareTransition({ to: 'running' }),
  /** A step recorded while the job stays running under its owner. */
  finishStep: declareTransition({ from: ['running'], to: 'running' }),
  finishAndComplete: declareTransition({ to: 'completed' }),
  /** Only a job still queued in its first run: the steps ran ahead of the claim. */
  claimAhead: declareTransition({ from: ['queued'], to: 'running' }),
  claimAheadComplete: declareTransition({ from: ['queued'], via: ['running'], to: 'completed' }),
  renewLease: declareTransition({ from: ['running'], to: 'running' }),
  /** A running step's progress, state or trace, written under its owner. */
  writeOwned: declareTransition({ from: ['running'], to: 'running' }),
  /** A step's wait recorded under the owner of the running job. */
  waitStep: declareTransition({ from: ['running'], to: 'running' }),
} as const;
const T = HOT_TRANSITIONS;

/** The history note of a claim that takes a running job over its expired lease (another worker's delivery came first). */
export const RESUMED_AFTER_LEASE_EXPIRY = 'resumed after lease expiry';

const CLAIM = `update jobs set ${BUMP}, ${statusSet(T.claim)}, lease_owner = $3, lease_until = $4::timestamptz,
    started_at = coalesce(started_at, $5::timestamptz), updated_at = $5::timestamptz,
    history = history || jsonb_build_array(case when status = ${statusLiteral(T.claim.to)}
      then jsonb_build_object('status', ${statusLiteral(T.claim.to)}, 'at', $6::text, 'note', '${RESUMED_AFTER_LEASE_EXPIRY}')
      else jsonb_build_object('status', ${statusLiteral(T.claim.to)}, 'at', $6::text) end)
  where id = $1 and run = $2::int
    and ${statusGuard(T.claim, { running: '(lease_until is null or lease_until < $5::timestamptz)' })}
  returning *`;

/**
 * The step row of a job row the statement just wrote (`from updated`): a refused job write (a lost
 * lease) writes no step either. A data-modifying CTE runs whatever the main statement does, so the
 * step cannot come first. Only finished steps go through here: a step's wait, if it had one, is over.
 */
const STEP_OF_UPDATED = `insert into job_steps (job_id, name, status, attempts, output, error, started_at, finished_at)
  select $1, $2, $3, $4::int, $5::jsonb, $6::jsonb, $7::timestamptz, $8::timestamptz from updated
  on conflict (job_id, name) do update set status = excluded.status, attempts = excluded.attempts,
    output = excluded.output, error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at,
    wait = null`;

// The step row and the job row change together; a lost lease leaves both alone.
const FINISH_STEP = `with updated as (
    update jobs set ${BUMP}, progress = $9::real, updated_at = $11::timestamptz, trace = trace || $10::jsonb
    where id = $1 and ${statusGuard(T.finishStep)} and lease_owner = $12
    returning *
  ), step as (${STEP_OF_UPDATED})
  select * from updated`;

const FINISH_AND_COMPLETE = `with updated as (
    update jobs set ${BUMP}, progress = $9::real, updated_at = $11::timestamptz, trace = trace || $10::jsonb,
      ${statusSet(T.finishAndComplete)}, result = $13::jsonb, lease_owner = null, lease_until = null, finished_at = $11::timestamptz,
      history = history || ${historyEntries(T.finishAndComplete, '$14')}
    where id = $1 and ${statusGuard(T.finishAndComplete)} and lease_owner = $12
    returning *
  ), step as (${STEP_OF_UPDATED})
  select * from updated`;

/**
 * The claim of a queued job written together with the steps that already ran ahead of it: the
 * job row first, so the step rows are written only when the claim took.
 */
const claimAhead = (complete: boolean) => {
  const t = complete ? T.claimAheadComplete : T.claimAhead;
  return `with claimed as (
    update jobs set ${BUMP}, updated_at = $3::timestamptz, started_at = $3::timestamptz, trace = trace || $6::jsonb,
      ${statusSet(t)}, history = history || ${historyEntries(t, '$4')},
      ${complete
        ? 'progress = 1, result = $7::jsonb, finished_at = $3::timestamptz'
        : 'progress = $7::real, lease_owner = $8, lease_until = $9::timestamptz'}
    where id = $1 and run = $2::int and ${statusGuard(t)}
    returning *
  ), steps as (
    insert into job_steps (job_id, name, status, attempts, output, error, started_at, finished_at)
    select c.id, s.name, 'done', 1, s.output, null, s.started_at, s.finished_at
    from claimed c cross join jsonb_to_recordset($5::jsonb) as s(name text, output jsonb, started_at timestamptz, finished_at timestamptz)
    on conflict (job_id, name) do update set status = excluded.status, attempts = excluded.attempts,
      output = excluded.output, error = null, started_at = excluded.started_at, finished_at = excluded.finished_at, wait = null
  )
  select * from claimed`;
};
const CLAIM_AHEAD = claimAhead(false);
const CLAIM_AHEAD_COMPLETE = claimAhead(true);

// The owner is in the WHERE: a worker that lost the job (taken over, cancelled) extends nothing.
const RENEW_LEASE = `update jobs set ${BUMP}, lease_until = $3::timestamptz, updated_at = $4::timestamptz
  where id = $1 and ${statusGuard(T.renewLease)} and lease_owner = $2
  returning id`;

// Progress never goes back (steps side by side report their own fractions), the state patch merges
// at the top level, the trace entries are appended: no read first, so no row lock to take.
const WRITE_OWNED = `update jobs set ${BUMP}, updated_at = $2::timestamptz,
    progress = greatest(progress, coalesce($3::real, progress)),
    state = state || coalesce($4::jsonb, '{}'::jsonb),
    trace = trace || coalesce($5::jsonb, '[]'::jsonb)
  where id = $1 and ${statusGuard(T.writeOwned)} and lease_owner = $6
  returning id, status, progress, event_seq, updated_at`;

// The step row is written only when the job row's guarded write took: a lost lease writes neither.
const WAIT_STEP = `with updated as (
    update jobs set ${BUMP}, updated_at = $5::timestamptz
    where id = $1 and ${statusGuard(T.waitStep)} and lease_owner = $2
    returning id
  )
  insert into job_steps (job_id, name, status, attempts, output, error, started_at, finished_at, wait)
  select id, $3, 'waiting', $4::int, null, null, $5::timestamptz, null, $6::jsonb from updated
  on conflict (job_id, name) do update set status = excluded.status, attempts = excluded.attempts, output = null,
    error = null, started_at = excluded.started_at, finished_at = null, wait = excluded.wait
  returning job_id`;

type JobsRepo = Repos['jobs'];

// The entry and the guarded balance move in one statement; the balance check cannot pass zero
// however many run at once, and a twin with the same key waits on the unique index, then does nothing.
const LEDGER_APPLY = `with ins as (
    insert into ledger_entries (user_id, kind, amount, job_id, item_index, idem_key, reason, created_at)
    values ($1, $2, $3::int, $4, $5::int, $6, $7, $8::timestamptz)
    on conflict (idem_key) do nothing
    returning id
  ), upd as (
    update users set credits = credits + $3::int
    where id = $1 and credits + $3::int >= 0 and exists (select 1 from ins)
    returning credits
  )
  select (select id from ins) as id, (select credits from upd) as credits`;

const userFromRow = (r: Record<string, unknown>): User => ({
  id: r.id as string, plan: r.plan as User['plan'], role: r.role as User['role'], credits: r.credits as number, createdAt: date(r.created_at)!,
});

/** How each patchable column is named and sent: jsonb as JSON text, timestamps as ISO strings. */
const PATCH_COLUMNS: Record<keyof JobPatch, { column: string; kind: 'plain' | 'jsonb' | 'ts' | 'real' | 'int' }> = {
  pipeline: { column: 'pipeline', kind: 'plain' },
  progress: { column: 'progress', kind: 'real' },
  run: { column: 'run', kind: 'int' },
  input: { column: 'input', kind: 'jsonb' },
  state: { column: 'state', kind: 'jsonb' },
  result: { column: 'result', kind: 'jsonb' },
  error: { column: 'error', kind: 'jsonb' },
  history: { column: 'history', kind: 'jsonb' },
  trace: { column: 'trace', kind: 'jsonb' },
  leaseOwner: { column: 'lease_owner', kind: 'plain' },
  leaseUntil: { column: 'lease_until', kind: 'ts' },
  wait: { column: 'wait', kind: 'jsonb' },
  waitDeadline: { column: 'wait_deadline', kind: 'ts' },
  nextPollAt: { column: 'next_poll_at', kind: 'ts' },
  startedAt: { column: 'started_at', kind: 'ts' },
  finishedAt: { column: 'finished_at', kind: 'ts' },
};
const CAST = { plain: '', jsonb: '::jsonb', ts: '::timestamptz', real: '::real', int: '::int' } as const;

function toParam(kind: keyof typeof CAST, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'jsonb') return JSON.stringify(value);
  if (kind === 'ts') return (value as Date).toISOString();
  return value;
}

/**
 * How an UPDATE of the patch's columns is guarded: not at all, by a set of statuses the job must be
 * in (it stays in it), or as a move of the table (`status = $from`, then `status = $to`).
 */
type UpdateGuard = 'none' | 'within' | 'move';

/** UPDATE texts by the patch's key set, shared by every connection: a handful of shapes, each built once. */
const updateStatements = new Map<string, { name: string; text: string; keys: (keyof JobPatch)[] }>();

function updateStatement(keys: (keyof JobPatch)[], guard: UpdateGuard) {
  const shape = `${keys.join(',')}|${guard}`;
  let statement = updateStatements.get(shape);
  if (!statement) {
    const sets = keys.map((k, i) => `${PATCH_COLUMNS[k].column} = $${i + 2}${CAST[PATCH_COLUMNS[k].kind]}`);
    const at = keys.length + 2;
    sets.push(`updated_at = $${at}::timestamptz`, BUMP);
    let where = '';
    if (guard === 'within') where = ` and status = any($${at + 1}::text[])`;
    if (guard === 'move') {
      sets.push(`status = $${at + 2}`);
      where = ` and status = $${at + 1}`;
    }
    const text = `update jobs set ${sets.join(', ')} where id = $1${where} returning *`;
    // Named after the text: every connection that sees this shape prepares it under the same name.
    statement = { name: `mf_jobs_update_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, keys };
    updateStatements.set(shape, statement);
  }
  return statement;
}

/** The patch's columns, in a fixed order; a `status` smuggled past the type is refused, never written. */
function patchKeys(patch: JobPatch): (keyof JobPatch)[] {
  if ('status' in patch) throw new Error('A job\'s status changes only through a transition of the table (jobs.transition)');
  return (Object.keys(patch) as (keyof JobPatch)[]).filter((k) => patch[k] !== undefined && k in PATCH_COLUMNS).sort();
}

/**
 * The statements every request or job runs (jobs, users, the ledger) in plain SQL: one round trip
 * each, prepared once per connection where the driver can, and mapped without an ORM in between.
 * The query builder cost more CPU than the database did on these paths.
 */
export class HotQueries {
  /** `clock`: the time of every write that is not given one (updated_at, created_at). */
  constructor(
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
  ) {}

  getUser: Repos['users']['get'] = async (id) => {
    const [row] = await this.sql.query('mf_users_get', 'select id, plan, role, credits, created_at from users where id = $1', [id]);
    return row ? userFromRow(row) : null;
  };

  getUserForUpdate: Repos['users']['getForUpdate'] = async (id) => {
    const [row] = await this.sql.query('mf_users_get_for_update', 'select id, plan, role, credits, created_at from users where id = $1 for update', [id]);
    return row ? userFromRow(row) : null;
  };

  applyLedger: Repos['ledger']['apply'] = async (entry) => {
    const [row] = await this.sql.query('mf_ledger_apply', LEDGER_APPLY, [
      entry.userId, entry.kind, entry.amount, entry.jobId ?? null, entry.itemIndex ?? null, entry.idemKey, entry.reason ?? '',
      this.clock.now().toISOString(),
    ]);
    if (row!.id === null) return { outcome: 'duplicate' };
    if (row!.credits !== null) return { outcome: 'applied', balance: Number(row!.credits) };
    // Refused: take the entry back (this transaction's own row) and say what the balance is.
    await this.sql.query('mf_ledger_take_back', 'delete from ledger_entries where id = $1', [row!.id]);
    const user = await this.getUser(entry.userId);
    return { outcome: 'insufficient', balance: user?.credits ?? 0 };
  };

  /** Admission's count (services/jobs/admission.ts): a user's active jobs of one app, on the partial index jobs_user_app_active. */
  countActiveOfUser = async (userId: string, app: string): Promise<number> => {
    const [row] = await this.sql.query('mf_jobs_count_active_of_user', COUNT_ACTIVE_OF_USER, [userId, app]);
    return Number(row!.n);
  };

  get: JobsRepo['get'] = async (id) => {
    const [row] = await this.sql.query('mf_jobs_get', 'select * from jobs where id = $1', [id]);
    return row ? jobFromRow(row) : null;
  };

  stateOf: JobsRepo['stateOf'] = async (id) => {
    const [row] = await this.sql.query('mf_jobs_state_of', 'select state from jobs where id = $1', [id]);
    return row ? (row.state as Job['state']) : null;
  };

  getForUpdate: JobsRepo['getForUpdate'] = async (id) => {
    const [row] = await this.sql.query('mf_jobs_get_for_update', 'select * from jobs where id = $1 for update', [id]);
    return row ? jobFromRow(row) : null;
  };

  update: JobsRepo['update'] = async (id, patch, from) => {
    const statement = updateStatement(patchKeys(patch), from !== undefined ? 'within' : 'none');
    const values = this.patchValues(id, statement.keys, patch, this.clock.now());
    if (from) values.push([...from]);
    const [row] = await this.sql.query(statement.name, statement.text, values);
    return row ? jobFromRow(row) : null;
  };

  transition: JobsRepo['transition'] = async (id, change, patch, now) => {
    if (!canTransition(change.from, change.to)) throw new Error(`The transition table has no ${change.from} -> ${change.to}`);
    const statement = updateStatement(patchKeys(patch), 'move');
    const values = this.patchValues(id, statement.keys, patch, now);
    values.push(change.from, change.to);
    const [row] = await this.sql.query(statement.name, statement.text, values);
    return row ? jobFromRow(row) : null;
  };

  renewLease: JobsRepo['renewLease'] = async (jobId, workerId, until, now) => {
    const rows = await this.sql.query('mf_jobs_renew_lease', RENEW_LEASE, [jobId, workerId, until.toISOString(), now.toISOString()]);
    return rows.length > 0;
  };

  writeOwned: JobsRepo['writeOwned'] = async ({ jobId, workerId, progress, state, trace }) => {
    const [row] = await this.sql.query('mf_jobs_write_owned', WRITE_OWNED, [
      jobId, this.clock.now().toISOString(), progress ?? null, state ? JSON.stringify(state) : null,
      trace && trace.length > 0 ? JSON.stringify(trace) : null, workerId,
    ]);
    return row
      ? { id: row.id as string, status: row.status as Job['status'], progress: Number(row.progress), eventSeq: Number(row.event_seq), updatedAt: date(row.updated_at)! }
      : null;
  };

  waitStep: JobsRepo['waitStep'] = async ({ jobId, workerId, step, attempts, wait, at }) => {
    const rows = await this.sql.query('mf_jobs_wait_step', WAIT_STEP, [jobId, workerId, step, attempts, at.toISOString(), JSON.stringify(wait)]);
    return rows.length > 0;
  };

  private patchValues(id: string, keys: (keyof JobPatch)[], patch: JobPatch, at: Date): unknown[] {
    return [id, ...keys.map((k) => toParam(PATCH_COLUMNS[k].kind, patch[k])), at.toISOString()];
  }

  insert: JobsRepo['insert'] = async (job) => {
    // The type says so too; this catches a caller that cast past it.
    if (!(INITIAL_STATUSES as readonly string[]).includes(job.status)) throw new Error(`A job starts as ${INITIAL_STATUSES.join(' or ')}, not ${job.status}`);
    const values = {
      run: job.run ?? 0, state: job.state ?? {}, history: job.history ?? [], itemCount: job.itemCount ?? 0,
    };
    const [row] = await this.sql.query('mf_jobs_insert', INSERT, [
      job.id, job.userId, job.app, job.pipeline, job.status, values.run, JSON.stringify(job.input),
      JSON.stringify(values.state), JSON.stringify(values.history), job.entityKey, values.itemCount,
      (job.createdAt ?? this.clock.now()).toISOString(),
    ]);
    const created = date(row!.created_at)!;
    return {
      id: job.id, userId: job.userId, app: job.app, pipeline: job.pipeline, status: job.status,
      progress: Number(row!.progress), run: values.run, input: job.input, state: values.state, result: null, error: null,
      history: values.history, trace: [], entityKey: job.entityKey, itemCount: values.itemCount,
      leaseOwner: null, leaseUntil: null, wait: null, waitDeadline: null, nextPollAt: null,
      createdAt: created, updatedAt: date(row!.updated_at)!, startedAt: null, finishedAt: null, eventSeq: Number(row!.event_seq),
    };
  };

  claim: JobsRepo['claim'] = async (jobId, run, workerId, leaseUntil, now) => {
    const [row] = await this.sql.query('mf_jobs_claim', CLAIM, [jobId, run, workerId, leaseUntil.toISOString(), now.toISOString(), now.toISOString()]);
    return row ? jobFromRow(row) : null;
  };

  finishStep: JobsRepo['finishStep'] = async ({ step, workerId, progress, trace, complete }) => {
    const at = complete?.at ?? this.clock.now();
    const values: unknown[] = [
      step.jobId, step.name, step.status, step.attempts, JSON.stringify(step.output), JSON.stringify(step.error),
      step.startedAt?.toISOString() ?? null, step.finishedAt?.toISOString() ?? null,
      complete ? 1 : progress, JSON.stringify([trace]), at.toISOString(), workerId,
    ];
    const [row] = complete
      ? await this.sql.query('mf_jobs_finish_complete', FINISH_AND_COMPLETE, [...values, JSON.stringify(complete.result), at.toISOString()])
      : await this.sql.query('mf_jobs_finish_step', FINISH_STEP, values);
    return row ? jobFromRow(row) : null;
  };

  claimAhead: JobsRepo['claimAhead'] = async ({ jobId, run, workerId, leaseUntil, now, steps, trace, progress, complete }) => {
    const at = now.toISOString();
    const stepRows = JSON.stringify(steps.map((s) => ({
      name: s.name, output: s.output, started_at: s.startedAt?.toISOString() ?? null, finished_at: s.finishedAt?.toISOString() ?? null,
    })));
    const base = [jobId, run, at, at, stepRows, JSON.stringify(trace)];
    const [row] = complete
      ? await this.sql.query('mf_jobs_claim_ahead_complete', CLAIM_AHEAD_COMPLETE, [...base, JSON.stringify(complete.result)])
      : await this.sql.query('mf_jobs_claim_ahead', CLAIM_AHEAD, [...base, progress, workerId, leaseUntil.toISOString()]);
    return row ? jobFromRow(row) : null;
  };
}

