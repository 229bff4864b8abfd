import { createHash } from 'node:crypto';
import type { ObjectStorage } from '../../../core/ports/storage';

/**
 * Provider outputs copied into our own storage the first time we see them settled, by webhook or by
 * poll: Replicate deletes outputs an hour after a prediction, fal and OpenAI links expire, and a
 * synchronous API (OpenAI Images, Chat Completions) answers once. After that, every read of the
 * prediction is served from the copy, however late the step that wanted it runs.
 *
 * Keys: `provider-outputs/<provider>/<sha256 of the prediction id, 32 hex>/<name>`.
 */
export class OutputCopies {
  constructor(
    private readonly storage: ObjectStorage,
    /** Largest copy read back, in bytes (default 512 MiB). */
    private readonly maxBytes = 512 * 1024 ** 2,
  ) {}

  /** The copy, or null when none was made. */
  load(provider: string, predictionId: string, name: string): Promise<Buffer | null> {
    return this.storage.get(this.key(provider, predictionId, name), this.maxBytes);
  }

  save(provider: string, predictionId: string, name: string, bytes: Buffer, contentType: string): Promise<void> {
    return this.storage.put(this.key(provider, predictionId, name), bytes, contentType);
  }

  /** The copy when there is one; otherwise `fetch` is called once and its bytes kept. */
  async copy(provider: string, predictionId: string, name: string, fetch: () => Promise<{ bytes: Buffer; contentType: string }>): Promise<Buffer> {
    const kept = await this.load(provider, predictionId, name);
    if (kept) return kept;
    const { bytes, contentType } = await fetch();
    await this.save(provider, predictionId, name, bytes, contentType);
    return bytes;
  }

  private key(provider: string, predictionId: string, name: string): string {
    const id = createHash('sha256').update(predictionId).digest('hex').slice(0, 32);
    return `provider-outputs/${provider}/${id}/${name}`;
  }
}
