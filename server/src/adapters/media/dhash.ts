/**
 * dHash of a 9x8 greyscale thumbnail (row-major, one byte a pixel): each bit says whether a pixel
 * is brighter than its right neighbour, 64 bits as 16 hex characters.
 */
export function dHashHex(px: Uint8Array): string {
  if (px.length !== 72) throw new RangeError(`dHash needs 9x8 pixels, got ${px.length}`);
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}
