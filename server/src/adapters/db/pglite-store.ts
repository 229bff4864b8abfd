import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Store } from '../../core/ports/store';
import { MIGRATIONS_DIR } from './migrations-dir';
import { createRepos, type Db } from './repos';
import * as schema from './schema';

/** Embedded PostgreSQL (WASM) in a data directory, or in memory when dataDir is undefined. */
export async function openPgliteStore(dataDir: string | undefined): Promise<Store & { migrate(): Promise<void> }> {
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    // PGlite runs one transaction at a time, so transactions here never race each other.
    tx: (fn) => db.transaction((tx) => fn(createRepos(tx as unknown as Db))),
    read: (fn) => fn(createRepos(db, true)),
    relaxed: (fn) => fn(createRepos(db, true)),
    async ping() {
      await client.query('select 1');
    },
    async close() {
      await client.close();
    },
    async migrate() {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    },
  };
}
