import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import { ConfigError, parseEnv } from './env';

describe('environment', () => {
  it('has embedded defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', DATA_DIR: './data', GENERATION_PROVIDER: 'stub', QUOTA_TZ: 'Asia/Seoul', SIGNUP_CREDITS: 10, SIGNUP_RATE_LIMIT: 10, STUB_LATENCY_MS: 0, S3_FORCE_PATH_STYLE: false });
  });

  it('names every bad variable', () => {
    try {
      parseEnv({ PORT: 'eighty', QUOTA_TZ: 'Mars/Olympus', DATABASE_URL: 'mysql://x', SIGNUP_CREDITS: '-1', S3_FORCE_PATH_STYLE: 'yes', ADMIN_API_KEY: 'short', QUEUE_NAME: 'jobs:prod', SHUTDOWN_TIMEOUT_MS: '5' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as ConfigError).message;
      for (const name of ['PORT', 'QUOTA_TZ', 'DATABASE_URL', 'SIGNUP_CREDITS', 'S3_FORCE_PATH_STYLE', 'ADMIN_API_KEY', 'QUEUE_NAME', 'SHUTDOWN_TIMEOUT_MS']) expect(msg).toContain(name);
    }
  });

  it('requires JWT_SECRET with DATABASE_URL, and the S3 credentials with a bucket', () => {
    expect(() => parseEnv({ DATABASE_URL: 'postgres://localhost/x' })).toThrow(/JWT_SECRET: is required when DATABASE_URL is set/);
    expect(() => parseEnv({ S3_BUCKET: 'media' })).toThrow(/S3_ACCESS_KEY_ID/);
    expect(() => parseEnv({ JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET/);
  });

  it('reads the webhook secrets and fal key set, naming a malformed one', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const env = parseEnv({ OPENAI_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', FAL_WEBHOOK_JWKS: JSON.stringify({ keys: [jwk] }) });
    expect(env.FAL_WEBHOOK_JWKS).toEqual({ keys: [jwk] });
    expect(env.FAL_WEBHOOK_JWKS_URL).toBe('https://rest.fal.ai/.well-known/jwks.json');
    expect(() => parseEnv({ REPLICATE_WEBHOOK_SECRET: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toThrow(/REPLICATE_WEBHOOK_SECRET: must be "whsec_"/);
    expect(() => parseEnv({ FAL_WEBHOOK_JWKS: '{"keys": []}' })).toThrow(/FAL_WEBHOOK_JWKS: must be a JSON key set with an Ed25519 key/);
    expect(() => parseEnv({ FAL_WEBHOOK_JWKS: 'not json' })).toThrow(/FAL_WEBHOOK_JWKS/);
  });

  it('bounds the whole shutdown above the grace running jobs get', () => {
    expect(() => parseEnv({ SHUTDOWN_GRACE_MS: '30000' })).toThrow(/SHUTDOWN_TIMEOUT_MS: must be longer than SHUTDOWN_GRACE_MS \(30000 ms\)/);
    expect(parseEnv({ SHUTDOWN_GRACE_MS: '30000', SHUTDOWN_TIMEOUT_MS: '45000' })).toMatchObject({ SHUTDOWN_GRACE_MS: 30_000, SHUTDOWN_TIMEOUT_MS: 45_000 });
  });

  it('picks the runtime mode from what is set', () => {
    const embedded = resolveConfig(parseEnv({ JWT_SECRET: 'x'.repeat(32) }));
    expect(embedded.mode).toEqual({ database: 'pglite', queue: 'memory', storage: 'local' });
    const server = resolveConfig(parseEnv({ JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://h/db', REDIS_URL: 'redis://h:6379', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', PORT: '8080' }));
    expect(server.mode).toEqual({ database: 'postgres', queue: 'bullmq', storage: 's3' });
    expect(server.publicUrl).toBe('http://localhost:8080');
  });

  it('generates a JWT secret once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mf-env-'));
    try {
      const a = resolveConfig(parseEnv({ DATA_DIR: dir }));
      const b = resolveConfig(parseEnv({ DATA_DIR: dir }));
      expect(a.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(b.jwtSecret).toBe(a.jwtSecret);
      expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8')).toBe(a.jwtSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
