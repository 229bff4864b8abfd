/**
 * The environment variable that holds each provider's key (README, "Providers"): what a plan may
 * name (seed 002's `api_key_env`) without ever holding the key. The stub needs none.
 */
export const CREDENTIAL_ENV: Record<string, string | null> = {
  stub: null,
  openai: 'OPENAI_API_KEY',
  replicate: 'REPLICATE_API_TOKEN',
  fal: 'FAL_KEY',
  comfyui: 'COMFYUI_API_KEY',
  runpod: 'RUNPOD_API_KEY',
};
