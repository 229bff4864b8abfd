import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';
import { providerLists } from './provider-env';

describe('provider configuration', () => {
  it('runs everything on the stubs by default', () => {
    expect(providerLists(parseEnv({}))).toEqual({ text: ['stub'], image: ['stub'], video: ['stub'], music: ['stub'], moderation: ['stub'], imageOps: ['stub'] });
  });

  it('follows GENERATION_PROVIDER where it serves, the stub where it does not, and a list over both', () => {
    const env = parseEnv({ GENERATION_PROVIDER: 'replicate', REPLICATE_API_TOKEN: 'r8_x', IMAGE_PROVIDERS: 'stub, replicate' });
    expect(providerLists(env)).toEqual({ text: ['stub'], image: ['stub', 'replicate'], video: ['replicate'], music: ['replicate'], moderation: ['stub'], imageOps: ['stub'] });
  });

  it('stops the start naming the credential a listed provider lacks', () => {
    expect(() => parseEnv({ IMAGE_PROVIDERS: 'fal,replicate', FAL_KEY: 'k' })).toThrow(/REPLICATE_API_TOKEN: is required: IMAGE_PROVIDERS names replicate/);
    expect(() => parseEnv({ GENERATION_PROVIDER: 'openai' })).toThrow(/OPENAI_API_KEY: is required: GENERATION_PROVIDER names openai/);
    expect(() => parseEnv({ VIDEO_PROVIDERS: 'comfyui' })).toThrow(/COMFYUI_URL/);
    expect(() => parseEnv({ IMAGE_OPS_PROVIDERS: 'runpod' })).toThrow(/RUNPOD_API_KEY: is required: IMAGE_OPS_PROVIDERS names runpod/);
    expect(() => parseEnv({ IMAGE_OPS_PROVIDERS: 'runpod', RUNPOD_API_KEY: 'rpa_x' })).toThrow(/RUNPOD_IMAGE_OPS_ENDPOINT: is required: IMAGE_OPS_PROVIDERS names runpod/);
    expect(() => parseEnv({ IMAGE_OPS_PROVIDERS: 'runpod', RUNPOD_API_KEY: 'rpa_x', RUNPOD_IMAGE_OPS_ENDPOINT: 'not/an id' })).toThrow(/RUNPOD_IMAGE_OPS_ENDPOINT: must be a Runpod endpoint id/);
    expect(providerLists(parseEnv({ IMAGE_OPS_PROVIDERS: 'runpod,stub', RUNPOD_API_KEY: 'rpa_x', RUNPOD_IMAGE_OPS_ENDPOINT: 'abc123xyz' })).imageOps).toEqual(['runpod', 'stub']);
  });

  it('takes an OpenAI-compatible local server without a key', () => {
    const env = parseEnv({ TEXT_PROVIDERS: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' });
    expect(providerLists(env).text).toEqual(['openai']);
  });

  it('refuses a provider that cannot serve the capability, a repeated one, an empty list and bad extra input', () => {
    expect(() => parseEnv({ MUSIC_PROVIDERS: 'openai' })).toThrow(/MUSIC_PROVIDERS: "openai" cannot serve music; use one or more of stub, replicate, fal/);
    expect(() => parseEnv({ IMAGE_PROVIDERS: 'runpod' })).toThrow(/IMAGE_PROVIDERS: "runpod" cannot serve image/);
    expect(() => parseEnv({ IMAGE_OPS_PROVIDERS: 'fal' })).toThrow(/IMAGE_OPS_PROVIDERS: "fal" cannot serve imageOps; use one or more of stub, runpod/);
    expect(() => parseEnv({ IMAGE_PROVIDERS: 'stub,stub' })).toThrow(/IMAGE_PROVIDERS: names a provider twice/);
    expect(() => parseEnv({ TEXT_PROVIDERS: ' , ' })).toThrow(/TEXT_PROVIDERS: names no provider/);
    expect(() => parseEnv({ REPLICATE_VIDEO_INPUT: '[1]' })).toThrow(/REPLICATE_VIDEO_INPUT: must be a JSON object/);
    expect(() => parseEnv({ REPLICATE_CANCEL_AFTER: 'soon' })).toThrow(/REPLICATE_CANCEL_AFTER/);
  });
});
