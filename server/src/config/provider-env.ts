import { z } from 'zod';
import { CREDENTIAL_ENV } from '../core/providers/credential-env';

/** The providers each capability can be served by; `stub` makes real media offline. */
export const PROVIDERS_OF = {
  text: ['stub', 'openai'],
  image: ['stub', 'openai', 'replicate', 'fal', 'comfyui'],
  video: ['stub', 'openai', 'replicate', 'fal', 'comfyui'],
  music: ['stub', 'replicate', 'fal'],
  moderation: ['stub', 'openai'],
  imageOps: ['stub', 'runpod'],
} as const;

export type Capability = keyof typeof PROVIDERS_OF;
export const PROVIDER_NAMES = ['stub', 'openai', 'replicate', 'fal', 'comfyui', 'runpod'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const LIST_VAR = { text: 'TEXT_PROVIDERS', image: 'IMAGE_PROVIDERS', video: 'VIDEO_PROVIDERS', music: 'MUSIC_PROVIDERS', moderation: 'MODERATION_PROVIDERS',
  imageOps: 'IMAGE_OPS_PROVIDERS',
} as const;

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const list = optional(z.string().transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean)));
const text = optional(z.string().min(1));
const url = optional(z.string().url());
const json = optional(z.string().transform((s, ctx) => {
  try {
    const v = JSON.parse(s) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Reported below as the same issue as a non-object.
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object of model input fields, e.g. {"fps": 16}' });
  return z.NEVER;
}));

/**
 * The provider variables of the environment (README, "Providers"). Each capability's list is tried
 * in order (failover); unset, a capability follows GENERATION_PROVIDER when that provider serves it,
 * else the stub.
 */
export const providerEnvShape = {
  GENERATION_PROVIDER: optional(z.enum(PROVIDER_NAMES)).default('stub'),
  TEXT_PROVIDERS: list,
  IMAGE_PROVIDERS: list,
  VIDEO_PROVIDERS: list,
  MUSIC_PROVIDERS: list,
  MODERATION_PROVIDERS: list,
  IMAGE_OPS_PROVIDERS: list,
  OPENAI_API_KEY: text,
  /** A gateway, vLLM (`http://host:8000/v1`) or Ollama (`http://host:11434/v1`); default the public API. */
  OPENAI_BASE_URL: url,
  OPENAI_TEXT_MODEL: text,
  OPENAI_TEXT_TEMPERATURE: optional(z.coerce.number().min(0).max(2)),
  OPENAI_IMAGE_MODEL: text,
  OPENAI_VIDEO_MODEL: text,
  OPENAI_MODERATION_MODEL: text,
  REPLICATE_API_TOKEN: text,
  REPLICATE_BASE_URL: url,
  REPLICATE_IMAGE_MODEL: text,
  REPLICATE_VIDEO_MODEL: text,
  REPLICATE_MUSIC_MODEL: text,
  REPLICATE_IMAGE_INPUT: json,
  REPLICATE_VIDEO_INPUT: json,
  REPLICATE_MUSIC_INPUT: json,
  REPLICATE_CANCEL_AFTER: optional(z.string().regex(/^(\d+(ms|s|m|h))+$/, 'must be a duration such as 90s, 30m or 1h30m')),
  FAL_KEY: text,
  FAL_BASE_URL: url,
  FAL_IMAGE_MODEL: text,
  FAL_VIDEO_MODEL: text,
  FAL_MUSIC_MODEL: text,
  FAL_IMAGE_INPUT: json,
  FAL_VIDEO_INPUT: json,
  FAL_MUSIC_INPUT: json,
  COMFYUI_URL: url,
  COMFYUI_API_KEY: text,
  COMFYUI_IMAGE_WORKFLOW: text,
  COMFYUI_VIDEO_WORKFLOW: text,
  COMFYUI_NEGATIVE_PROMPT: text,
  COMFYUI_VIDEO_FPS: optional(z.coerce.number().int().min(1).max(120)),
  RUNPOD_API_KEY: text,
  /** Default https://api.runpod.ai/v2. */
  RUNPOD_BASE_URL: url,
  /** The id of the Runpod Serverless endpoint whose workers run the image operations. */
  RUNPOD_IMAGE_OPS_ENDPOINT: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a Runpod endpoint id (letters, digits, - and _)')),
  /** Where GPU tasks (the rules app's photos) go: our `gpu-worker` processes (queue), or a Runpod endpoint. */
  GPU_DISPATCH: optional(z.enum(['queue', 'runpod'], { error: 'must be queue or runpod' })).default('queue'),
  /** The Runpod Serverless endpoint whose workers run GPU tasks (GPU_DISPATCH=runpod). */
  RUNPOD_GPU_ENDPOINT: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a Runpod endpoint id (letters, digits, - and _)')),
};

type ProviderEnv = z.infer<z.ZodObject<typeof providerEnvShape>>;

/** The variable a provider cannot run without, or null when its other settings make it usable. */
function missingCredential(env: ProviderEnv, provider: ProviderName): string | null {
  switch (provider) {
    // A local OpenAI-compatible server (vLLM, Ollama, llama.cpp) needs no key; the public API does.
    case 'openai': return env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? null : CREDENTIAL_ENV.openai!;
    case 'replicate': return env.REPLICATE_API_TOKEN ? null : CREDENTIAL_ENV.replicate!;
    case 'fal': return env.FAL_KEY ? null : CREDENTIAL_ENV.fal!;
    case 'comfyui': return env.COMFYUI_URL ? null : 'COMFYUI_URL';
    case 'runpod': return !env.RUNPOD_API_KEY ? 'RUNPOD_API_KEY' : !env.RUNPOD_IMAGE_OPS_ENDPOINT ? 'RUNPOD_IMAGE_OPS_ENDPOINT' : null;
    default: return null;
  }
}

/**
 * Each capability's providers in the order they are tried: its list variable, or else
 * GENERATION_PROVIDER when that provider serves the capability, or else the stub.
 */
export function providerLists(env: ProviderEnv): Record<Capability, ProviderName[]> {
  const out = {} as Record<Capability, ProviderName[]>;
  for (const cap of Object.keys(PROVIDERS_OF) as Capability[]) {
    const named = env[LIST_VAR[cap]] as string[] | undefined;
    const serves = (PROVIDERS_OF[cap] as readonly string[]).includes(env.GENERATION_PROVIDER);
    out[cap] = (named?.length ? named : [serves ? env.GENERATION_PROVIDER : 'stub']) as ProviderName[];
  }
  return out;
}

/** Issues for env's superRefine: an unknown or repeated provider in a list, or one without its credentials. */
export function checkProviderEnv(env: ProviderEnv, ctx: z.RefinementCtx): void {
  for (const cap of Object.keys(PROVIDERS_OF) as Capability[]) {
    const variable = LIST_VAR[cap];
    const named = env[variable] as string[] | undefined;
    if (named !== undefined && named.length === 0) ctx.addIssue({ code: 'custom', path: [variable], message: `names no provider; use one or more of ${PROVIDERS_OF[cap].join(', ')}` });
    for (const p of named ?? []) {
      if (!(PROVIDERS_OF[cap] as readonly string[]).includes(p)) {
        ctx.addIssue({ code: 'custom', path: [variable], message: `"${p}" cannot serve ${cap}; use one or more of ${PROVIDERS_OF[cap].join(', ')}` });
      }
    }
    if (named && new Set(named).size !== named.length) ctx.addIssue({ code: 'custom', path: [variable], message: 'names a provider twice' });
  }
  if (env.GPU_DISPATCH === 'runpod') {
    for (const v of ['RUNPOD_API_KEY', 'RUNPOD_GPU_ENDPOINT'] as const) {
      if (!env[v]) ctx.addIssue({ code: 'custom', path: [v], message: 'is required: GPU_DISPATCH is runpod' });
    }
  }
  const lists = providerLists(env);
  const reported = new Set<string>();
  for (const cap of Object.keys(lists) as Capability[]) {
    for (const p of lists[cap]) {
      const missing = missingCredential(env, p);
      if (!missing || reported.has(missing)) continue;
      reported.add(missing);
      const by = env[LIST_VAR[cap]] ? LIST_VAR[cap] : 'GENERATION_PROVIDER';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required: ${by} names ${p}` });
    }
  }
}
