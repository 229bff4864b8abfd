/**
 * A seed ComfyUI takes: a non-negative integer (its seed inputs go to 2^64 - 1); ours may be any
 * number, so it is made a safe non-negative integer, the same request giving the same seed.
 */
export function comfySeed(seed: number): number {
  return Math.abs(Math.trunc(Number.isFinite(seed) ? seed : 0)) % Number.MAX_SAFE_INTEGER;
}

/** `px` rounded to the nearest multiple of `multiple`, at least one multiple. */
export function roundSize(px: number, multiple: number): number {
  return Math.max(multiple, Math.round(px / multiple) * multiple);
}

/**
 * Frames for `durationSec` at `fps`: the smallest count of the form 4k + 1 that covers it. Wan,
 * HunyuanVideo and Cosmos latents take 4k + 1 frames (one, then four per latent step); models that
 * take any count (SVD, AnimateDiff) are as happy with it. 5 s at 24 fps gives 121, Wan 2.2's default.
 */
export function frameCount(durationSec: number, fps: number): number {
  const exact = Math.max(1, durationSec * fps);
  return 4 * Math.ceil((exact - 1) / 4) + 1;
}
