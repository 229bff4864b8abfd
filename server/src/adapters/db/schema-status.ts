import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Store } from '../../core/ports/store';
import { MIGRATIONS_DIR } from './migrations-dir';

/**
 * How the database's applied drizzle migrations compare with the committed journal
 * (`server/migrations/meta/_journal.json`):
 * - `current`: the latest applied migration is the latest committed one (same time and sha256);
 * - `missing`: no migration was ever applied (a fresh database);
 * - `behind`: committed migrations are not applied yet;
 * - `modified`: the latest applied migration has the time of a committed one but other SQL;
 * - `ahead`: the database was migrated by a newer version of mediaforge than this one.
 */
export interface SchemaStatus {
  state: 'current' | 'missing' | 'behind' | 'modified' | 'ahead';
  applied: number;
  committed: number;
}

/** A store that can bring its schema up to date and say how far it is. */
export type MigratableStore = Store & { migrate(): Promise<void>; schemaStatus(): Promise<SchemaStatus> };

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Reads drizzle's bookkeeping table (`drizzle.__drizzle_migrations`); `query` runs one SQL text. */
export async function readSchemaStatus(query: Query): Promise<SchemaStatus> {
  const committed = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  const latest = committed[committed.length - 1];
  const [table] = await query(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!table?.present) return { state: 'missing', applied: 0, committed: committed.length };
  const [row] = await query(
    `select count(*)::int as applied,
            (select hash from drizzle.__drizzle_migrations order by created_at desc limit 1) as hash,
            (select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1)::text as at
       from drizzle.__drizzle_migrations`,
  );
  const applied = Number(row?.applied ?? 0);
  const base = { applied, committed: committed.length };
  if (applied === 0 || row?.at == null) return { state: 'missing', ...base };
  if (!latest) return { state: 'ahead', ...base };
  const at = Number(row.at);
  if (at < latest.folderMillis) return { state: 'behind', ...base };
  if (at > latest.folderMillis) return { state: 'ahead', ...base };
  return { state: row.hash === latest.hash ? 'current' : 'modified', ...base };
}

/** True when this version of the code can serve on the schema: current, or migrated by a newer version. */
export const schemaUsable = (s: SchemaStatus) => s.state === 'current' || s.state === 'ahead';

/** One sentence for a person: what is wrong with the schema and what to run. */
export function describeSchema(s: SchemaStatus): string {
  switch (s.state) {
    case 'current':
      return `schema is current (${s.applied} migrations applied)`;
    case 'missing':
      return 'the database has no mediaforge schema (no migrations applied): run `npx mediaforge migrate`';
    case 'behind':
      return `the database schema is older than this version (${s.applied} migrations applied, ${s.committed} committed, the latest not yet): run \`npx mediaforge migrate\``;
    case 'modified':
      return 'the latest applied migration differs from the committed one of the same time (a committed migration was edited): restore it, or migrate a fresh database';
    case 'ahead':
      return `the database was migrated by a newer mediaforge (${s.applied} applied, this version knows ${s.committed})`;
  }
}
