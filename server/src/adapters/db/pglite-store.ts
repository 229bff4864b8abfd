import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Clock } from '../../core/ports/clock';
import { HotQueries } from './hot-queries';
import { MIGRATIONS_DIR } from './migrations-dir';
import { readSchemaStatus, type MigratableStore } from './schema-status';
import { createRepos, type Db } from './repos';
import * as schema from './schema';

/** Embedded PostgreSQL (WASM) in a data directory, or in memory when dataDir is undefined. */
/** `clock`: the time of every row written (adapters/db/repos.ts). */
export async function openPgliteStore(dataDir: string | undefined, clock: Clock): Promise<MigratableStore> {
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzle(client, { schema }) as unknown as Db;
  const hot = new HotQueries({ query: async (_name, text, values) => (await client.query<Record<string, unknown>>(text, values)).rows }, clock);
  return {
    kind: 'pglite',
    // PGlite runs one transaction at a time, so transactions here never race each other.
    tx: (fn) => db.transaction((tx) => fn(createRepos(tx as unknown as Db, clock))),
    read: (fn) => fn(createRepos(db, clock, hot)),
    relaxed: (fn) => fn(createRepos(db, clock, hot)),
    async ping() {
      await client.query('select 1');
    },
    async close() {
      await client.close();
    },
    async migrate() {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    },
    schemaStatus: () => readSchemaStatus(async (text) => (await client.query<Record<string, unknown>>(text)).rows),
  };
}
