import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Store } from '../../core/ports/store';
import { HotQueries, type SqlRunner } from './hot-queries';
import { MIGRATIONS_DIR } from './migrations-dir';
import { createRepos, type Db } from './repos';
import * as schema from './schema';

/** Arbitrary constant: the advisory lock that lets only one process migrate at a time. */
const MIGRATION_LOCK = 7_031_966_402;

export async function openPostgresStore(
  url: string,
  opts: { poolSize?: number } = {},
): Promise<Store & { migrate(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema }) as unknown as Db;
  // Connections for worker bookkeeping: commits return before the WAL is flushed to disk.
  const relaxedPool = new pg.Pool({ connectionString: url, max: Math.max(2, Math.ceil((opts.poolSize ?? 10) / 2)), options: '-c synchronous_commit=off' });
  relaxedPool.on('error', () => {});
  const relaxedDb = drizzle(relaxedPool, { schema }) as unknown as Db;
  const hot = new HotQueries(pgRunner(pool));
  const relaxedHot = new HotQueries(pgRunner(relaxedPool));
  return {
    kind: 'postgres',
    tx: (fn) => db.transaction((tx) => fn(createRepos(tx as unknown as Db))),
    read: (fn) => fn(createRepos(db, hot)),
    relaxed: (fn) => fn(createRepos(relaxedDb, relaxedHot)),
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
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
  };
}

/** Named statements: node-postgres prepares each once per connection. */
function pgRunner(pool: pg.Pool): SqlRunner {
  return {
    async query(name, text, values) {
      return (await pool.query({ name, text, values })).rows;
    },
  };
}
