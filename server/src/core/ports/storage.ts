/** Object storage: local files with HMAC-signed URLs (embedded) or any S3-compatible store. */
export interface PresignPutInput {
  key: string;
  contentType: string;
  /** The exact byte count the client declared; the store rejects a larger body. */
  size: number;
  /**
   * `size` is a bound, not the exact count (outputs whose size nobody knows beforehand). The local
   * store refuses a larger body; a presigned S3 PUT cannot carry a bound, so the caller checks the
   * object's size (head) before it trusts it.
   */
  upTo?: boolean;
  expiresInSec: number;
}

export interface ObjectHead {
  size: number;
  contentType: string | null;
}

export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  /** A URL the client PUTs the body to, with the declared Content-Type, before it expires. */
  presignPut(input: PresignPutInput): Promise<string>;
  /** The stable URL that names an object (seed 000 `publicUrl`); it is an identity, not a grant. */
  publicUrl(key: string): string;
  /** Inverse of publicUrl: the key when the URL is one of ours, else null. Never fetches. */
  keyFromPublicUrl(url: string): string | null;
  /** A time-limited URL a browser can GET (with Range) to read the object. */
  signedGetUrl(key: string, expiresInSec: number): Promise<string>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The whole object, or null when absent. Refuses (throws) objects larger than maxBytes. */
  get(key: string, maxBytes: number): Promise<Buffer | null>;
  head(key: string): Promise<ObjectHead | null>;
  delete(key: string): Promise<void>;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
}
