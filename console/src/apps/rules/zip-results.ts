import { zipSync } from 'fflate';
import type { BatchItem } from './rules-api';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif' };

/** A result's name in the ZIP: its place in the batch and the photo's own name, with the result's extension. */
export function resultName(index: number, original: string | undefined, mime: string): string {
  const base = (original ?? `photo-${index + 1}`).replace(/\.[^.]*$/, '').replace(/[\\/:*?"<>|]/g, '_');
  return `${String(index + 1).padStart(3, '0')}-${base}.${EXT[mime] ?? 'img'}`;
}

/**
 * The done results of a batch as one ZIP, built in the browser from their signed URLs (the server
 * keeps no archive). Stored, not deflated: JPEG, WebP and AVIF are compressed already.
 */
export async function zipResults(items: readonly BatchItem[], names: readonly (string | undefined)[], fetcher: typeof fetch = fetch): Promise<Blob> {
  const files: Record<string, Uint8Array> = {};
  for (const item of items) {
    if (item.status !== 'done' || !item.output_url) continue;
    const res = await fetcher(item.output_url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    files[resultName(item.index, names[item.index], item.output?.mime ?? res.headers.get('content-type') ?? '')] = new Uint8Array(await res.arrayBuffer());
  }
  return new Blob([zipSync(files, { level: 0 })], { type: 'application/zip' });
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken the bytes by the next tick; the URL would otherwise hold them for the page's life.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
