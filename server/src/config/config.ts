import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from './env';

/** The resolved settings the composition wires from; derived from Env once. */
export interface Config {
  env: Env;
  dataDir: string;
  publicUrl: string;
  jwtSecret: string;
  /** Key for local signed storage URLs: derived from the JWT secret so one secret is enough. */
  storageSecret: string;
  /** GET /metrics requires it as a bearer token when set (METRICS_TOKEN); a secret: never logged. */
  metricsToken: string | undefined;
  mode: { database: 'pglite' | 'postgres'; queue: 'memory' | 'bullmq'; storage: 'local' | 's3' };
}

/** Keeps a generated JWT secret in DATA_DIR so tokens survive restarts in embedded mode. */
function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function resolveConfig(env: Env): Config {
  const dataDir = path.resolve(env.DATA_DIR);
  // Read (or made) when first used: a gpu-worker, which signs nothing, leaves DATA_DIR alone.
  let jwtSecret: string | undefined;
  const secret = () => (jwtSecret ??= env.JWT_SECRET ?? embeddedSecret(dataDir));
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return {
    env,
    dataDir,
    publicUrl: (env.PUBLIC_URL ?? `http://${host}:${env.PORT}`).replace(/\/+$/, ''),
    get jwtSecret() {
      return secret();
    },
    get storageSecret() {
      return `storage:${secret()}`;
    },
    metricsToken: env.METRICS_TOKEN,
    mode: {
      database: env.DATABASE_URL ? 'postgres' : 'pglite',
      queue: env.REDIS_URL ? 'bullmq' : 'memory',
      storage: env.S3_BUCKET ? 's3' : 'local',
    },
  };
}
