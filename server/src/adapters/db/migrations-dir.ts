import { fileURLToPath } from 'node:url';

/** The committed drizzle-kit migrations. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));
