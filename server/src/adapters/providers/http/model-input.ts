/**
 * Building a hosted model's input: the mapping of our requests onto a model's fields, and the
 * operator's own fields (an env JSON such as `REPLICATE_VIDEO_INPUT='{"fps":16}'`) merged over it,
 * so that another model works without code.
 */

export type ModelInput = Record<string, unknown>;

/**
 * An operator's extra model input from an env var: a JSON object, or {} when unset or blank.
 * Throws an Error naming the variable when it is not a JSON object (the start stops on it).
 */
export function parseModelInput(text: string | undefined, envName: string): ModelInput {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${envName} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${envName} must be a JSON object of model input fields, e.g. {"fps":16}`);
  return parsed as ModelInput;
}

/**
 * Our mapped input with the operator's fields laid over it (top level only). A field the operator
 * sets to null is removed: the way to drop a field of the default mapping that another model refuses.
 */
export function mergeModelInput(mapped: ModelInput, extra: ModelInput): ModelInput {
  const out: ModelInput = {};
  for (const [k, v] of Object.entries(mapped)) if (v !== undefined) out[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * A PNG as a data URL, which both Replicate and fal take wherever a model takes a file URL. Data
 * URLs are fine up to a few hundred KB (Replicate advises 256 KB at most); larger images go through
 * Replicate's files API (`POST /v1/files`, done by the Replicate adapters) or would go to fal's
 * storage upload (not done: see the fal video adapter).
 */
export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The listed ratio (`"16:9"`) nearest to width:height, compared on a log scale so 2:1 and 1:2 are as far from 1:1. */
export function nearestAspectRatio(width: number, height: number, choices: readonly string[]): string {
  const target = Math.log(width / height);
  let best = choices[0]!;
  let bestDistance = Infinity;
  for (const choice of choices) {
    const [w, h] = choice.split(':').map(Number);
    const distance = Math.abs(Math.log(w! / h!) - target);
    if (distance < bestDistance) [best, bestDistance] = [choice, distance];
  }
  return best;
}

/** Whole seconds, at least `min`: the models take integer durations. */
export function wholeSeconds(sec: number, min = 1): number {
  return Math.max(min, Math.round(sec));
}

/**
 * Our seed (an unsigned 32-bit integer) as a non-negative 31-bit one: some models declare their
 * seed an int32 and refuse larger values. The same seed always maps to the same model seed.
 */
export function modelSeed(seed: number): number {
  return Math.abs(Math.trunc(seed)) % 2 ** 31;
}
