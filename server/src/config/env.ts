import { z } from 'zod';
import { ed25519KeysOf } from '../core/webhooks/fal-webhooks';
import { checkProviderEnv, providerEnvShape } from './provider-env';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.string().url();
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
/** A Standard Webhooks secret, as OpenAI's dashboard and Replicate's API give it. */
const webhookSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be "whsec_" followed by base64, as the provider gives it');
/** A JSON key set (`{"keys": [...]}`) with at least one Ed25519 public key; parsed to the document. */
const jwks = z.string().transform((text, ctx) => {
  try {
    const doc = JSON.parse(text) as { keys: unknown[] };
    ed25519KeysOf(doc);
    return doc;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be a JSON key set with an Ed25519 key: ${(err as Error).message}` });
    return z.NEVER;
  }
});

/** Every environment variable the platform reads, validated once at start. */
const envSchema = z
  .object({
    PORT: optional(int(0, 65535)).default(3000),
    HOST: optional(z.string().min(1)).default('0.0.0.0'),
    DATA_DIR: optional(z.string().min(1)).default('./data'),
    PUBLIC_URL: optional(url),
    DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')),
    REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')),
    // BullMQ refuses ':' in a queue name; the events channel prefix is derived from it too.
    QUEUE_NAME: optional(z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 letters, digits, "_", "." or "-"')),
    S3_ENDPOINT: optional(url),
    S3_REGION: optional(z.string().min(1)).default('auto'),
    S3_ACCESS_KEY_ID: optional(z.string().min(1)),
    S3_SECRET_ACCESS_KEY: optional(z.string().min(1)),
    S3_BUCKET: optional(z.string().min(3).max(63)),
    S3_PUBLIC_BASE_URL: optional(url),
    S3_FORCE_PATH_STYLE: optional(bool).default(false),
    JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    JWT_TTL_SEC: optional(int(60, 365 * 24 * 3600)).default(30 * 24 * 3600),
    ADMIN_API_KEY: optional(z.string().min(16, 'must be at least 16 characters')),
    /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open to whoever reaches the port. */
    METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    /** A `worker` process serves GET /metrics on this port (it serves no API); `start` and `api` serve it on PORT. */
    METRICS_PORT: optional(int(1, 65535)),
    ...providerEnvShape,
    QUOTA_TZ: optional(
      z.string().refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          // A RangeError: not a time zone this runtime knows, which is what the check asks.
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Seoul'),
    ).default('Asia/Seoul'),
    SIGNUP_CREDITS: optional(int(0, 1_000_000)).default(10),
    SIGNUP_RATE_LIMIT: optional(int(0, 1_000_000)).default(10),
    UPLOADS_PER_HOUR: optional(int(1, 1_000_000)).default(60),
    UPLOAD_MB_PER_HOUR: optional(int(10, 2000)).default(200),
    /**
     * Credits of priced actions, over each app's defaults: `studio.image=2,studio.video=8`
     * (names are `<app>.<action>`; an unknown name stops the start).
     */
    PRICES: optional(
      z.string().regex(/^\s*[a-z][a-z0-9-]*\.[a-zA-Z][a-zA-Z0-9-]*\s*=\s*\d{1,6}\s*(,\s*[a-z][a-z0-9-]*\.[a-zA-Z][a-zA-Z0-9-]*\s*=\s*\d{1,6}\s*)*$/, 'must be comma-separated app.action=credits pairs, e.g. studio.image=2,studio.video=8')
        .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.split('=').map((x) => x.trim())).map(([k, v]) => [k!, Number(v)]))),
    ),
    /** How long an endpoint that answers with a job's result (studio's image) waits for it before a 504 and a refund. */
    SYNC_JOB_DEADLINE_SEC: optional(int(1, 3600)).default(120),
    STUB_LATENCY_MS: optional(int(0, 600_000)).default(0),
    STUB_FAIL: optional(z.string()),
    WORKER_CONCURRENCY: optional(int(1, 64)).default(2),
    /** GPU tasks a GPU worker runs at once (`gpu-worker`, and the one inside `start`; 0 there: none in that process). */
    GPU_WORKER_CONCURRENCY: optional(int(0, 64)).default(2),
    /**
     * How long a GPU worker owns a task (BullMQ GPU queue, server mode) without renewing its lock:
     * a killed worker's task goes to another this long after it died. Renewed at half of it, so
     * keep it well above a stall of the worker's event loop.
     */
    GPU_TASK_LOCK_MS: optional(int(1000, 3_600_000)).default(15_000),
    /** Steps of one job that run at once once the steps they need are done. */
    JOB_STEP_CONCURRENCY: optional(int(1, 64)).default(4),
    JOB_LEASE_MS: optional(int(500, 3_600_000)).default(30_000),
    /** How long a stopping worker waits for its running jobs before it gives them back. */
    SHUTDOWN_GRACE_MS: optional(int(0, 600_000)).default(15_000),
    /** Image worker processes, and what one image call may use before it is killed. */
    MEDIA_WORKERS: optional(int(1, 64)).default(2),
    MEDIA_MEMORY_MB: optional(int(64, 1_048_576)).default(1024),
    MEDIA_TIMEOUT_MS: optional(int(100, 600_000)).default(30_000),
    /** The whole shutdown's bound; past it the process exits anyway. Longer than SHUTDOWN_GRACE_MS. */
    SHUTDOWN_TIMEOUT_MS: optional(int(1000, 3_600_000)).default(30_000),
    /** Inbound provider webhooks (http/routes/platform/webhook-routes.ts): OpenAI's Standard Webhooks secret. */
    OPENAI_WEBHOOK_SECRET: optional(webhookSecret),
    /** Replicate's; unset, it is fetched from Replicate's `GET /v1/webhooks/default/secret` with REPLICATE_API_TOKEN. */
    REPLICATE_WEBHOOK_SECRET: optional(webhookSecret),
    /** fal's webhook keys as a JSON key set (tests, offline use); unset, fetched from FAL_WEBHOOK_JWKS_URL and cached. */
    FAL_WEBHOOK_JWKS: optional(jwks),
    FAL_WEBHOOK_JWKS_URL: optional(url).default('https://rest.fal.ai/.well-known/jwks.json'),
    LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
    TRUST_PROXY: optional(bool).default(false),
  })
  .superRefine((env, ctx) => {
    checkProviderEnv(env, ctx);
    if (env.SHUTDOWN_TIMEOUT_MS <= env.SHUTDOWN_GRACE_MS) {
      ctx.addIssue({ code: 'custom', path: ['SHUTDOWN_TIMEOUT_MS'], message: `must be longer than SHUTDOWN_GRACE_MS (${env.SHUTDOWN_GRACE_MS} ms), which running jobs get to finish` });
    }
    if (env.DATABASE_URL && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when DATABASE_URL is set' });
    }
    if (env.S3_ENDPOINT || env.S3_BUCKET) {
      for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when S3 storage is configured' });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}
