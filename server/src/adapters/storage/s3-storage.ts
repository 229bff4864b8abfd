import type { Readable } from 'node:stream';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectHead, ObjectStorage, PresignPutInput } from '../../core/ports/storage';
import { assertSafeKey, encodeKey, keyUnderPrefix } from './storage-key';

/** Seed 000's S3_* variables: S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, ... S3_PUBLIC_BASE_URL. */
export interface S3StorageOptions {
  /** e.g. https://<account>.r2.cloudflarestorage.com or http://minio:9000; omit for AWS. */
  endpoint?: string;
  /** Defaults to 'auto' (R2); AWS needs the bucket's real region. */
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** true for MinIO and most self-hosted stores. */
  forcePathStyle: boolean;
  /** CDN or public bucket URL that objects are named under (publicUrl = `${publicBaseUrl}/${key}`). */
  publicBaseUrl?: string;
}

/** Any S3-compatible store (AWS S3, R2, MinIO), seed 000 section 1. */
export class S3ObjectStorage implements ObjectStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly objectBase: string;

  constructor(opts: S3StorageOptions) {
    const region = opts.region ?? 'auto';
    this.bucket = opts.bucket;
    this.client = new S3Client({
      region,
      endpoint: opts.endpoint,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      forcePathStyle: opts.forcePathStyle,
      // Since SDK 3.729 the default signs a CRC32 of the (empty, at signing time) body into presigned
      // PUT URLs, which S3, R2 and MinIO then reject for every real upload; and R2 lacks some checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const endpoint = (opts.endpoint ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, '');
    this.objectBase = opts.publicBaseUrl?.replace(/\/+$/, '')
      ?? (opts.forcePathStyle ? `${endpoint}/${opts.bucket}` : endpoint.replace('://', `://${opts.bucket}.`));
  }

  async presignPut(input: PresignPutInput): Promise<string> {
    assertSafeKey(input.key);
    // Content-Type and Content-Length are signed: another type or size fails the signature. A
    // presigned PUT cannot carry a bound (`upTo`): the caller checks the object's head instead.
    if (input.upTo) {
      const cmd = new PutObjectCommand({ Bucket: this.bucket, Key: input.key, ContentType: input.contentType });
      return getSignedUrl(this.client, cmd, { expiresIn: input.expiresInSec, signableHeaders: new Set(['content-type']) });
    }
    const cmd = new PutObjectCommand({ Bucket: this.bucket, Key: input.key, ContentType: input.contentType, ContentLength: input.size });
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
    assertSafeKey(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSec });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string, maxBytes: number): Promise<Buffer | null> {
    assertSafeKey(key);
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
    const body = res.Body as (Readable & AsyncIterable<Uint8Array>) | undefined;
    if (!body) return Buffer.alloc(0);
    const tooLarge = (n: number | string) => new Error(`object ${key} is ${n} bytes, over the ${maxBytes} limit`);
    if ((res.ContentLength ?? 0) > maxBytes) {
      body.destroy();
      throw tooLarge(res.ContentLength!);
    }
    // The declared length is the store's word; count anyway and stop reading past the limit.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        body.destroy();
        throw tooLarge(`more than ${maxBytes}`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  }

  async head(key: string): Promise<ObjectHead | null> {
    assertSafeKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: res.ContentLength ?? 0, contentType: res.ContentType ?? null };
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** For development and tests: creates the bucket when it is missing (other errors still throw). */
  async ensureBucket(): Promise<void> {
    try {
      await this.ping();
      return;
    } catch (err) {
      if (!isMissingBucket(err)) throw err;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // Another process may have created it between the two calls.
      if ((err as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  /** Frees the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}

type SdkError = { name?: string; $metadata?: { httpStatusCode?: number } } | null;

/** A missing object; a missing bucket is a configuration error and still throws (where S3 says so). */
function isMissingObject(err: unknown): boolean {
  const e = err as SdkError;
  return e?.name !== 'NoSuchBucket' && (e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404);
}

function isMissingBucket(err: unknown): boolean {
  const e = err as SdkError;
  return e?.name === 'NotFound' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}
