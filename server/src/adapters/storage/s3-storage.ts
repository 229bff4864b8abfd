import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectHead, ObjectStorage, PresignPutInput } from '../../core/ports/storage';
import { assertSafeKey, encodeKey, keyUnderPrefix } from './storage-key';

export interface S3StorageOptions {
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  forcePathStyle: boolean;
  publicBaseUrl?: string;
}

/** Any S3-compatible store (AWS S3, R2, MinIO), seed 000 section 1. */
export class S3ObjectStorage implements ObjectStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly objectBase: string;

  constructor(private readonly opts: S3StorageOptions) {
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      forcePathStyle: opts.forcePathStyle,
    });
    const endpoint = (opts.endpoint ?? `https://s3.${opts.region}.amazonaws.com`).replace(/\/+$/, '');
    this.objectBase = opts.publicBaseUrl?.replace(/\/+$/, '')
      ?? (opts.forcePathStyle ? `${endpoint}/${opts.bucket}` : endpoint.replace('://', `://${opts.bucket}.`));
  }

  async presignPut(input: PresignPutInput): Promise<string> {
    assertSafeKey(input.key);
    // Content-Type and Content-Length are signed: another type or size fails the signature.
    const cmd = new PutObjectCommand({ Bucket: this.opts.bucket, Key: input.key, ContentType: input.contentType, ContentLength: input.size });
    return getSignedUrl(this.client, cmd, { expiresIn: input.expiresInSec, signableHeaders: new Set(['content-type', 'content-length']) });
  }

  publicUrl(key: string): string {
    assertSafeKey(key);
    return `${this.objectBase}/${encodeKey(key)}`;
  }

  keyFromPublicUrl(url: string): string | null {
    return keyUnderPrefix(`${this.objectBase}/`, url);
  }

  async signedGetUrl(key: string, expiresInSec: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }), { expiresIn: expiresInSec });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string, maxBytes: number): Promise<Buffer | null> {
    const head = await this.head(key);
    if (!head) return null;
    if (head.size > maxBytes) throw new Error(`object ${key} is ${head.size} bytes, over the ${maxBytes} limit`);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      const bytes = await res.Body!.transformToByteArray();
      if (bytes.byteLength > maxBytes) throw new Error(`object ${key} grew over the ${maxBytes} limit`);
      return Buffer.from(bytes);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return { size: res.ContentLength ?? 0, contentType: res.ContentType ?? null };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }));
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
  }

  /** For development and tests: creates the bucket when it is missing. */
  async ensureBucket(): Promise<void> {
    try {
      await this.ping();
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.opts.bucket }));
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
