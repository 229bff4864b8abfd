import type { UploadGrant } from './rules-api';

/**
 * PUTs one photo to its presigned URL with exactly the headers the server gave (the URL is signed
 * for them), reporting progress: fetch has no upload progress, XMLHttpRequest does. Rejects with
 * the storage's own words when it refuses the bytes.
 */
export function putPhoto(grant: UploadGrant, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(grant.method, grant.upload_url);
    for (const [name, value] of Object.entries(grant.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      reject(new Error(storageWords(xhr.responseText) ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

/** The message of a storage error body (`{error: {message}}` locally, XML from S3): the first readable one. */
function storageWords(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message;
  } catch {
    return /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  }
}

/** Runs `fn` over the indexes, at most `limit` at once: a big batch does not open hundreds of uploads together. */
export async function eachLimited(indexes: readonly number[], limit: number, fn: (index: number) => Promise<void>): Promise<void> {
  const queue = [...indexes];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) await fn(i);
  }));
}
