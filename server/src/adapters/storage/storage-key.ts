/** Object keys are relative paths of safe segments: no traversal, no absolute paths, no empty parts. */
export function assertSafeKey(key: string): void {
  if (
    key.length === 0 || key.length > 512 || key.startsWith('/') || key.includes('\\') || key.includes('\0') ||
    key.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg.endsWith('.meta.json'))
  ) {
    throw new Error(`unsafe object key: ${JSON.stringify(key)}`);
  }
}

export function isSafeKey(key: string): boolean {
  try {
    assertSafeKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Keys go into URL paths segment by segment, so '/' stays a separator. */
export const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** The key a URL names under `prefix` (exactly, no query or fragment), or null. Never fetches. */
export function keyUnderPrefix(prefix: string, url: string): string | null {
  if (!url.startsWith(prefix)) return null;
  const rest = url.slice(prefix.length);
  if (rest.includes('?') || rest.includes('#')) return null;
  try {
    const key = rest.split('/').map(decodeURIComponent).join('/');
    return isSafeKey(key) ? key : null;
  } catch {
    return null;
  }
}
