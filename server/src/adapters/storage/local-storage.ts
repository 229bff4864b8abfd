import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectHead, ObjectStorage, PresignPutInput } from '../../core/ports/storage';
import { sign } from './local-signature';
import { assertSafeKey, encodeKey, keyUnderPrefix } from './storage-key';

export interface LocalStorageOptions {
  rootDir: string;
  /** The server's own base URL: signed URLs point back at its /storage and /files routes. */
  publicBaseUrl: string;
  secret: string;
  now?: () => number;
}

/** Objects as files under a root directory, with HMAC-signed PUT and GET URLs served by the app. */
export class LocalObjectStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  readonly rootDir: string;
  private readonly base: string;
  readonly secret: string;
  readonly now: () => number;

  constructor(opts: LocalStorageOptions) {
    this.rootDir = path.resolve(opts.rootDir);
    this.base = opts.publicBaseUrl.replace(/\/+$/, '');
    this.secret = opts.secret;
    this.now = opts.now ?? Date.now;
  }

  filePath(key: string): string {
    assertSafeKey(key);
    return path.join(this.rootDir, key);
  }

  private metaPath(key: string): string {
    return `${this.filePath(key)}.meta.json`;
  }

  async presignPut(input: PresignPutInput): Promise<string> {
    assertSafeKey(input.key);
    const exp = Math.floor(this.now() / 1000) + input.expiresInSec;
    const sig = sign(this.secret, ['PUT', input.key, input.contentType, input.size, exp]);
    const q = new URLSearchParams({ ct: input.contentType, size: String(input.size), exp: String(exp), sig });
    return `${this.base}/storage/put/${encodeKey(input.key)}?${q}`;
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
    const exp = Math.floor(this.now() / 1000) + expiresInSec;
    const sig = sign(this.secret, ['GET', key, exp]);
    return `${this.base}/files/${encodeKey(key)}?exp=${exp}&sig=${sig}`;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const file = this.filePath(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    await writeFile(this.metaPath(key), JSON.stringify({ contentType }));
    // Rename is atomic: a reader sees the old object or the new one, never half of one.
    await rename(tmp, file);
  }

  /** Moves a fully received temp file into place (the signed PUT route streams into one). */
  async commitTemp(key: string, tmp: string, contentType: string): Promise<void> {
    const file = this.filePath(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(this.metaPath(key), JSON.stringify({ contentType }));
    await rename(tmp, file);
  }

  async tempFileFor(key: string): Promise<{ path: string; stream: ReturnType<typeof createWriteStream> }> {
    const file = this.filePath(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    return { path: tmp, stream: createWriteStream(tmp) };
  }

  async get(key: string, maxBytes: number): Promise<Buffer | null> {
    const head = await this.head(key);
    if (!head) return null;
    if (head.size > maxBytes) throw new Error(`object ${key} is ${head.size} bytes, over the ${maxBytes} limit`);
    return readFile(this.filePath(key));
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const s = await stat(this.filePath(key));
      if (!s.isFile()) return null;
      let contentType: string | null = null;
      try {
        contentType = (JSON.parse(await readFile(this.metaPath(key), 'utf8')) as { contentType?: string }).contentType ?? null;
      } catch {
        contentType = null;
      }
      return { size: s.size, contentType };
    } catch {
      return null;
    }
  }

  readStream(key: string, range?: { start: number; end: number }) {
    return createReadStream(this.filePath(key), range);
  }

  async delete(key: string): Promise<void> {
    await rm(this.filePath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async ping(): Promise<void> {
    await mkdir(this.rootDir, { recursive: true });
    const handle = await open(this.rootDir, 'r');
    await handle.close();
  }
}
