import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/config';
import { parseEnv } from '../../config/env';
import { buildPlatform, type BuiltPlatform } from '../../composition/build-platform';
import { createTestDatabase } from '../../testing/test-database';
import { serverMode, silentLogger } from '../../testing/test-platform';
import { BullmqQueue } from '../../adapters/queue/bullmq-queue';
import { MIGRATIONS_DIR } from '../../adapters/db/migrations-dir';
import { readSchemaStatus } from '../../adapters/db/schema-status';

/**
 * /readyz on a database nobody migrated, or migrated by another version: a fresh PGlite in
 * embedded mode, a fresh PostgreSQL database in server mode. The platform is built but not migrated.
 */
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

/** The platform, and (server mode) a connection of our own to its database for drizzle's bookkeeping table. */
async function unmigratedPlatform(): Promise<BuiltPlatform & { sql?: (text: string) => Promise<unknown> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mf-ready-'));
  const db = serverMode ? await createTestDatabase(process.env.DATABASE_URL!) : null;
  const config = resolveConfig(parseEnv({
    DATA_DIR: dataDir, JWT_SECRET: 'ready-test-secret-0123456789-0123456789', LOG_LEVEL: 'silent',
    ...(db ? { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL! } : {}),
  }));
  const built = await buildPlatform(config, { role: 'test', logger: silentLogger, memoryDatabase: !db, queueName: `mf-test-${randomBytes(4).toString('hex')}` });
  disposers.push(async () => {
    if (built.deps.queue instanceof BullmqQueue) await built.deps.queue.obliterate().catch(() => {});
    await built.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  if (!db) return built;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  disposers.push(() => client.end());
  return Object.assign(built, { sql: (text: string) => client.query(text) });
}

async function readyz(built: BuiltPlatform) {
  const res = await built.app.request('/readyz');
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
}

describe('/readyz and the schema', () => {
  it('says a fresh database has no schema and names the command that makes it', async () => {
    const built = await unmigratedPlatform();
    const { status, body } = await readyz(built);
    expect(status).toBe(503);
    expect(body.checks.database).toBe('ok');
    expect(body.checks.schema).toContain('no mediaforge schema');
    expect(body.checks.schema).toContain('npx mediaforge migrate');
    expect(await built.schemaStatus()).toMatchObject({ state: 'missing', applied: 0 });

    await built.migrate();
    const after = await readyz(built);
    expect(after.status).toBe(200);
    expect(after.body.checks.schema).toBe('ok');
    expect((await built.schemaStatus()).state).toBe('current');
  });

  it.runIf(serverMode)('says an old schema is behind, and an edited migration differs', async () => {
    const built = await unmigratedPlatform();
    await built.migrate();
    const sql = built.sql!;
    await sql('update drizzle.__drizzle_migrations set created_at = created_at - 1');
    const behind = await readyz(built);
    expect(behind.status).toBe(503);
    expect(behind.body.checks.schema).toContain('older than this version');
    expect(behind.body.checks.schema).toContain('npx mediaforge migrate');

    await sql("update drizzle.__drizzle_migrations set created_at = created_at + 1, hash = 'edited'");
    const modified = await readyz(built);
    expect(modified.status).toBe(503);
    expect(modified.body.checks.schema).toContain('differs from the committed one');

    // A newer version migrated the database: this one still serves (migrations only add).
    await sql('update drizzle.__drizzle_migrations set created_at = created_at + 1000');
    const ahead = await readyz(built);
    expect(ahead.status).toBe(200);
    expect((await built.schemaStatus()).state).toBe('ahead');
  });

  it.runIf(!serverMode)('reads an embedded database that is behind, edited or ahead', async () => {
    const client = await PGlite.create();
    disposers.push(() => client.close());
    const query = async (text: string) => (await client.query<Record<string, unknown>>(text)).rows;
    expect((await readSchemaStatus(query)).state).toBe('missing');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    expect((await readSchemaStatus(query)).state).toBe('current');
    await client.query('update drizzle.__drizzle_migrations set created_at = created_at - 1');
    expect((await readSchemaStatus(query)).state).toBe('behind');
    await client.query("update drizzle.__drizzle_migrations set created_at = created_at + 1, hash = 'edited'");
    expect((await readSchemaStatus(query)).state).toBe('modified');
    await client.query('update drizzle.__drizzle_migrations set created_at = created_at + 1000');
    expect((await readSchemaStatus(query)).state).toBe('ahead');
  });
});
