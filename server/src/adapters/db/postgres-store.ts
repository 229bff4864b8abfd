import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Clock } from '../../core/ports/clock';
import { HotQueries, type SqlRunner } from './hot-queries';
import { MIGRATIONS_DIR } from './migrations-dir';
import { readSchemaStatus, type MigratableStore } from './schema-status';
import { createRepos, type Db } from './repos';
import * as schema from './schema';

/** Arbitrary constant: the advisory lock that lets only one process migrate at a time. */
const MIGRATION_LOCK = 7_031_966_402;

export async function openPostgresStore(
  url: string,
  /** `clock`: the time of every row written (adapters/db/repos.ts). */
  opts: { clock: Clock; poolSize?: number },
): Promise<MigratableStore> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema }) as unknown as Db;
  // Connections for worker bookkeeping: commits return before the WAL is flushed to disk.
  const relaxedPool = new pg.Pool({ connectionString: url, max: Math.max(2, Math.ceil((opts.poolSize ?? 10) / 2)), options: '-c synchronous_commit=off' });
  relaxedPool.on('error', () => {});
  const relaxedDb = drizzle(relaxedPool, { schema }) as unknown as Db;
  const { clock } = opts;
  const hot = new HotQueries(pgRunner(pool), clock);
  // A transaction runs on one pooled connection: its ORM and hot statements are bound to it once.
  const perClient = new WeakMap<pg.PoolClient, { db: Db; hot: HotQueries }>();
  const relaxedHot = new HotQueries(pgRunner(relaxedPool), clock);
  return {
    kind: 'postgres',
    async tx(fn) {
      const client = await pool.connect();
      let bound = perClient.get(client);
      if (!bound) perClient.set(client, (bound = { db: drizzle(client, { schema }) as unknown as Db, hot: new HotQueries(pgRunner(client), clock) }));
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const out = await fn(createRepos(bound.db, clock, bound.hot));
        await client.query('commit');
        return out;
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        // A connection that could not roll back is closed, not reused.
        client.release(broken);
      }
    },
    read: (fn) => fn(createRepos(db, clock, hot)),
    relaxed: (fn) => fn(createRepos(relaxedDb, clock, relaxedHot)),
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await Promise.all([pool.end(), relaxedPool.end()]);
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        // A failed unlock drops the connection (release(err)), which ends the session and its lock.
        const unlockFailed = await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).then(() => undefined, (err: Error) => err);
        client.release(unlockFailed);
      }
    },
    schemaStatus: () => readSchemaStatus(async (text) => (await pool.query(text)).rows),
  };
}

/** Named statements: node-postgres prepares each once per connection. */
function pgRunner(target: pg.Pool | pg.PoolClient): SqlRunner {
  return {
    async query(name, text, values) {
      return (await target.query({ name, text, values })).rows;
    },
  };
}
