import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { access, constants, link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ObjectHead, ObjectStorage, PresignPutInput } from '../../core/ports/storage';
import { signFields, verifyFields, type SigningSecret } from './local-signature';
import { assertSafeKey, encodeKey, keyUnderPrefix } from './storage-key';

export interface LocalStorageOptions {
  rootDir: string;
  /** The server's own base URL: signed URLs point back at its /storage and /files routes. */
  publicBaseUrl: string;
  /** HMAC key for signed URLs; keep it secret and stable across restarts. */
  secret: SigningSecret;
  /** Milliseconds since the epoch; injectable so tests can expire URLs. */
  now?: () => number;
}

/** The query of a signed PUT URL, as received. */
export interface PutGrant {
  ct: string;
  /** The exact size, or with `max` set the largest accepted. */
  size: string;
  /** '1' when `size` is a bound (PresignPutInput.upTo). */
  max?: string;
  exp: string;
  sig: string;
}

export type GrantCheck = 'ok' | 'invalid' | 'expired';

/** Thrown by receive() when the body is not the declared length; nothing is stored. */
export class BodySizeError extends Error {
  override readonly name = 'BodySizeError';
  constructor(readonly tooLarge: boolean, readonly expected: number) {
    super(tooLarge ? `body is over the declared ${expected} bytes` : `body is shorter than the declared ${expected} bytes`);
  }
}

/** Thrown by receive() when the key already holds an object: a presigned upload is single-use. */
export class ObjectExistsError extends Error {
  override readonly name = 'ObjectExistsError';
  constructor(readonly key: string) {
    super(`an object ${key} was already uploaded`);
  }
}

const DIGITS = /^\d{1,15}$/;

/** Objects as files under a root directory, with HMAC-signed PUT and GET URLs served by the app. */
export class LocalObjectStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  readonly rootDir: string;
  readonly now: () => number;
  private readonly base: string;
  // Private so that logging the store can never print the key.
  readonly #secret: SigningSecret;

  constructor(opts: LocalStorageOptions) {
    this.rootDir = path.resolve(opts.rootDir);
    this.base = opts.publicBaseUrl.replace(/\/+$/, '');
    this.#secret = opts.secret;
    this.now = opts.now ?? Date.now;
  }

  private filePath(key: string): string {
    assertSafeKey(key);
    return path.join(this.rootDir, key);
  }

  private nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  async presignPut(input: PresignPutInput): Promise<string> {
    assertSafeKey(input.key);
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw new Error(`invalid declared size: ${input.size}`);
    const exp = this.nowSec() + input.expiresInSec;
    // A bound is signed as a different field list, so an exact grant cannot be read as a bound.
    const sizeField = input.upTo ? `<=${input.size}` : input.size;
    const sig = signFields(this.#secret, ['PUT', input.key, input.contentType, sizeField, exp]);
    const q = new URLSearchParams({ ct: input.contentType, size: String(input.size), ...(input.upTo ? { max: '1' } : {}), exp: String(exp), sig });
    return `${this.base}/storage/put/${encodeKey(input.key)}?${q}`;
  }

  /** Whether a PUT URL's query is one this store signed for `key`, and still valid. */
  checkPut(key: string, g: PutGrant): GrantCheck {
    if (!DIGITS.test(g.size) || !DIGITS.test(g.exp)) return 'invalid';
    const sizeField = g.max === '1' ? `<=${Number(g.size)}` : Number(g.size);
    if (!verifyFields(this.#secret, ['PUT', key, g.ct, sizeField, Number(g.exp)], g.sig)) return 'invalid';
    return this.nowSec() > Number(g.exp) ? 'expired' : 'ok';
  }

  publicUrl(key: string): string {
    assertSafeKey(key);
    return `${this.base}/files/${encodeKey(key)}`;
  }

  keyFromPublicUrl(url: string): string | null {
    return keyUnderPrefix(`${this.base}/files/`, url);
  }

  async signedGetUrl(key: string, expiresInSec: number): Promise<string> {
    assertSafeKey(key);
    const exp = this.nowSec() + expiresInSec;
    const sig = signFields(this.#secret, ['GET', key, exp]);
    return `${this.base}/files/${encodeKey(key)}?exp=${exp}&sig=${sig}`;
  }

  /** Whether a GET URL's query is one this store signed for `key`, and still valid. */
  checkGet(key: string, exp: string, sig: string): GrantCheck {
    if (!DIGITS.test(exp) || !verifyFields(this.#secret, ['GET', key, Number(exp)], sig)) return 'invalid';
    return this.nowSec() > Number(exp) ? 'expired' : 'ok';
  }

  /** Seconds a signed GET URL has left (for Cache-Control). */
  secondsLeft(exp: string): number {
    return Math.max(0, Number(exp) - this.nowSec());
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const tmp = await this.tempPath(key);
    try {
      await writeFile(tmp, body);
      await this.commit(key, tmp, contentType);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * Streams a body of exactly `size` bytes (`upTo`: 1 to `size`) into place: into a temp file, counted, then linked.
   * Throws BodySizeError as soon as it runs over (and at the end if short), and a failed or
   * refused body leaves nothing behind. Exact, like S3, where the length is part of the signature.
   * Single-use: throws ObjectExistsError when the key already holds an object (even one that
   * arrived while this body streamed), so verified bytes can never be replaced through their URL.
   */
  async receive(key: string, body: ReadableStream<Uint8Array>, contentType: string, size: number, opts: { upTo?: boolean } = {}): Promise<void> {
    const tmp = await this.tempPath(key);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done(received > size ? new BodySizeError(true, size) : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), counter, createWriteStream(tmp));
      if (opts.upTo ? received === 0 : received !== size) throw new BodySizeError(false, size);
      await this.commitNew(key, tmp, contentType);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async tempPath(key: string): Promise<string> {
    const file = this.filePath(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Beside the target, so the rename stays on one filesystem; keys cannot end in .tmp.
    return `${file}.${randomBytes(6).toString('hex')}.tmp`;
  }

  /** Renames are atomic: a reader sees the old object or the new one, never half of one. */
  private async commit(key: string, tmp: string, contentType: string): Promise<void> {
    const file = this.filePath(key);
    const metaTmp = `${tmp}.meta`;
    try {
      await writeFile(metaTmp, JSON.stringify({ contentType }));
      await rename(metaTmp, `${file}.meta.json`);
    } finally {
      await rm(metaTmp, { force: true });
    }
    await rename(tmp, file);
  }

  /** Like commit, but only when the key is free: link() fails atomically if a file is there. */
  private async commitNew(key: string, tmp: string, contentType: string): Promise<void> {
    const file = this.filePath(key);
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') throw new ObjectExistsError(key);
      throw err;
    }
    await writeFile(`${file}.meta.json`, JSON.stringify({ contentType }));
  }

  /** Whether the key holds an object. */
  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async get(key: string, maxBytes: number): Promise<Buffer | null> {
    let handle;
    try {
      handle = await open(this.filePath(key), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      // One open file for the size check and the read, so a concurrent replace cannot slip past the limit.
      const s = await handle.stat();
      if (!s.isFile()) return null;
      if (s.size > maxBytes) throw new Error(`object ${key} is ${s.size} bytes, over the ${maxBytes} limit`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    let size: number;
    try {
      const s = await stat(this.filePath(key));
      if (!s.isFile()) return null;
      size = s.size;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    return { size, contentType: await this.readContentType(key) };
  }

  private async readContentType(key: string): Promise<string | null> {
    try {
      const meta = JSON.parse(await readFile(`${this.filePath(key)}.meta.json`, 'utf8')) as { contentType?: unknown };
      return typeof meta.contentType === 'string' ? meta.contentType : null;
    } catch (err) {
      // An object written before its metadata, or metadata cut short by a crash: no content type.
      if (isMissing(err) || err instanceof SyntaxError) return null;
      throw err;
    }
  }

  /**
   * A stream of the object's bytes, `end` inclusive (as in HTTP ranges). In 1 MB chunks: each chunk
   * crosses a web stream on its way out, and at the default 64 KB serving a 4 MB photo took about
   * 1.2 times the CPU.
   */
  readStream(key: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.filePath(key), { ...range, highWaterMark: 1024 * 1024 });
  }


  async delete(key: string): Promise<void> {
    const file = this.filePath(key);
    await rm(file, { force: true });
    await rm(`${file}.meta.json`, { force: true });
  }

  async ping(): Promise<void> {
    await mkdir(this.rootDir, { recursive: true });
    await access(this.rootDir, constants.R_OK | constants.W_OK);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
