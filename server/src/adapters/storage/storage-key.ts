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
