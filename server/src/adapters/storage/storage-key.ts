/** Object keys are relative paths of safe segments: no traversal, no absolute paths, no empty parts. */
export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new Error(`unsafe object key: ${JSON.stringify(key)}`);
}

// Control characters and backslashes have no place in a key; 255 bytes is the usual file-name limit.
const BAD_CHARS = /[\u0000-\u001f\u007f\\]/;

export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 512 || key.startsWith('/') || BAD_CHARS.test(key)) return false;
  return key.split('/').every(
    (seg) => seg !== '' && seg !== '.' && seg !== '..' && Buffer.byteLength(seg) <= 255 && !seg.endsWith('.meta.json') && !seg.endsWith('.tmp'),
  );
}

/** Keys go into URL paths segment by segment, so '/' stays a separator. */
export const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** The key an encoded URL path names, or null when it is not a safe key. */
export function decodeKeyPath(encoded: string): string | null {
  try {
    const key = encoded.split('/').map(decodeURIComponent).join('/');
    return isSafeKey(key) ? key : null;
  } catch {
    // A URIError: a malformed %-escape is not a key.
    return null;
  }
}

/**
 * The key a URL names under `prefix`, or null. Only the exact form publicUrl writes is accepted
 * (no query, fragment or alternative encodings), so one object has one URL. Never fetches.
 */
export function keyUnderPrefix(prefix: string, url: string): string | null {
  if (!url.startsWith(prefix)) return null;
  const rest = url.slice(prefix.length);
  const key = decodeKeyPath(rest);
  return key !== null && encodeKey(key) === rest ? key : null;
}
