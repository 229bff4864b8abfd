/** Bits that differ between two 64-bit perceptual hashes (16 hex): near 0 for the same picture re-encoded or resized. */
export function hammingDistance(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  for (; diff; diff &= diff - 1n) n++;
  return n;
}

/**
 * At most this many bits apart, two images are the same picture: a re-encode or resize differs by
 * up to 6 (adapters/media/media-toolkit.test.ts), different pictures by more than 10.
 */
export const NEAR_DUPLICATE_BITS = 6;

/** The first of `known` that `phash` is a near-duplicate of, or null. */
export function nearDuplicateOf(phash: string, known: readonly string[], maxBits = NEAR_DUPLICATE_BITS): string | null {
  return known.find((k) => hammingDistance(phash, k) <= maxBits) ?? null;
}
