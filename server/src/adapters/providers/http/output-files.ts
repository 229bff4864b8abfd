import { ProviderError } from '../provider-error';
import type { ProviderHttp } from './provider-http';

/**
 * The file URLs in a hosted model's output, in order: a URL string; an array of them; objects with
 * a `url` (fal's `{images: [{url}]}`, `{video: {url}}`); or objects of any of these (walked in key
 * order, e.g. `{audio_file: {url}}`). Only http(s) and data URLs count: text outputs are skipped.
 */
export function outputFileUrls(output: unknown): string[] {
  const urls: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (/^(https?:\/\/|data:)/i.test(value)) urls.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    if (typeof value === 'object') {
      const url = (value as { url?: unknown }).url;
      if (typeof url === 'string') return walk(url, depth + 1);
      for (const item of Object.values(value)) walk(item, depth + 1);
    }
  };
  walk(output, 0);
  return urls;
}

/**
 * The bytes of an output file: a data URL decoded in place, else downloaded with the provider's
 * client (no credentials go to a CDN host; a 404/410 there throws a ProviderError with that status).
 */
export async function fetchOutputFile(http: ProviderHttp, url: string, timeoutMs?: number): Promise<{ bytes: Buffer; contentType: string }> {
  const data = /^data:([^;,]*)(;base64)?,(.*)$/is.exec(url);
  if (data) {
    const [, type, base64, payload] = data;
    const bytes = base64 ? Buffer.from(payload!, 'base64') : Buffer.from(decodeURIComponent(payload!), 'utf8');
    if (bytes.length === 0) throw new ProviderError(`${http.provider}: the output data URL is empty`, false, http.provider);
    return { bytes, contentType: type || 'application/octet-stream' };
  }
  const res = await http.request({ path: url, timeoutMs });
  return { bytes: res.body, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}
