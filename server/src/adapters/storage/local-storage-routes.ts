import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { verify } from './local-signature';
import type { LocalObjectStorage } from './local-storage';
import { isSafeKey } from './storage-key';

const fail = (c: Context, status: 400 | 403 | 404 | 413 | 416, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

function keyOf(c: Context, prefix: string): string | null {
  const raw = c.req.path.slice(prefix.length);
  try {
    const key = raw.split('/').map(decodeURIComponent).join('/');
    return isSafeKey(key) ? key : null;
  } catch {
    return null;
  }
}

/** The signed endpoints of the local store: PUT /storage/put/{key} and GET /files/{key}. */
export function localStorageRoutes(store: LocalObjectStorage): Hono {
  const r = new Hono();

  r.put('/storage/put/*', async (c) => {
    const key = keyOf(c, '/storage/put/');
    if (!key) return fail(c, 400, 'INVALID_KEY', 'Not a valid object key');
    const ct = c.req.query('ct') ?? '';
    const size = Number(c.req.query('size'));
    const exp = Number(c.req.query('exp'));
    const sig = c.req.query('sig') ?? '';
    if (!Number.isInteger(size) || !Number.isInteger(exp) || !verify(store.secret, ['PUT', key, ct, size, exp], sig)) {
      return fail(c, 403, 'SIGNATURE_MISMATCH', 'The upload URL signature is invalid; request a new URL');
    }
    if (Math.floor(store.now() / 1000) > exp) return fail(c, 403, 'URL_EXPIRED', 'The upload URL has expired; request a new one');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== ct) return fail(c, 403, 'SIGNATURE_MISMATCH', `Content-Type must be ${ct}, as declared when the URL was made`);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > size) {
      return fail(c, 413, 'TOO_LARGE', `The body is larger than the declared ${size} bytes`);
    }
    const body = c.req.raw.body;
    if (!body) return fail(c, 400, 'EMPTY_BODY', 'The upload body is empty');

    // Count while streaming: a chunked body or a lying Content-Length is cut off at the declared size.
    const tmp = await store.tempFileFor(key);
    let received = 0;
    let tooLarge = false;
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > size) {
          tooLarge = true;
          await reader.cancel();
          break;
        }
        if (!tmp.stream.write(value)) await new Promise<void>((resolve) => tmp.stream.once('drain', () => resolve()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => tmp.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (tooLarge || received === 0) {
      await rm(tmp.path, { force: true });
      return tooLarge
        ? fail(c, 413, 'TOO_LARGE', `The body is larger than the declared ${size} bytes`)
        : fail(c, 400, 'EMPTY_BODY', 'The upload body is empty');
    }
    await store.commitTemp(key, tmp.path, ct);
    return c.json({ key, size: received }, 200);
  });

  const serveFile = async (c: Context) => {
    const key = keyOf(c, '/files/');
    if (!key) return fail(c, 404, 'NOT_FOUND', 'No such object');
    const exp = Number(c.req.query('exp'));
    const sig = c.req.query('sig') ?? '';
    if (!Number.isInteger(exp) || !verify(store.secret, ['GET', key, exp], sig)) {
      return fail(c, 403, 'SIGNATURE_MISMATCH', 'This URL is not signed; ask the API for a signed URL');
    }
    if (Math.floor(store.now() / 1000) > exp) return fail(c, 403, 'URL_EXPIRED', 'The URL has expired; ask the API for a new one');
    const head = await store.head(key);
    if (!head) return fail(c, 404, 'NOT_FOUND', 'No such object');

    const headers: Record<string, string> = {
      'content-type': head.contentType ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=300',
    };
    const range = parseRange(c.req.header('range'), head.size);
    if (range === 'unsatisfiable') {
      return c.body(null, 416, { 'content-range': `bytes */${head.size}` });
    }
    const { start, end } = range ?? { start: 0, end: head.size - 1 };
    headers['content-length'] = String(end - start + 1);
    if (range) headers['content-range'] = `bytes ${start}-${end}/${head.size}`;
    const status = range ? 206 : 200;
    if (c.req.method === 'HEAD' || head.size === 0) return c.body(null, status, headers);
    const body = Readable.toWeb(store.readStream(key, { start, end })) as ReadableStream<Uint8Array>;
    return c.body(body, status, headers);
  };
  r.get('/files/*', serveFile);
  r.on('HEAD', '/files/*', serveFile);
  return r;
}

/** One `bytes=` range (the form browsers' media elements send); null when absent or multi-range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!m) return null;
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '') return null;
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
