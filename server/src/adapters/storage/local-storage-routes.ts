import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { BodySizeError, ObjectExistsError, type GrantCheck, type LocalObjectStorage } from './local-storage';
import { parseRange } from './byte-range';
import { decodeKeyPath } from './storage-key';

type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 416;

const fail = (c: Context, status: ErrorStatus, code: string, message: string, headers?: Record<string, string>) =>
  c.json({ error: { code, message } }, status, headers);

/** The key in the request path after `prefix`, decoded from the raw URL (Hono's path is half-decoded). */
function keyOf(c: Context, prefix: string): string | null {
  const pathname = new URL(c.req.url).pathname;
  const at = pathname.indexOf(prefix);
  return at === -1 ? null : decodeKeyPath(pathname.slice(at + prefix.length));
}

const mediaType = (value: string) => value.split(';')[0]!.trim().toLowerCase();

function grantFailure(c: Context, check: Exclude<GrantCheck, 'ok'>, what: 'upload' | 'download') {
  return check === 'expired'
    ? fail(c, 403, 'URL_EXPIRED', `This ${what} URL has expired; ask the API for a new one`)
    : fail(c, 403, 'SIGNATURE_MISMATCH', `This ${what} URL is not validly signed; use the exact URL the API returned, or ask for a new one`);
}

/**
 * The signed endpoints of the local store, to be mounted at `/`:
 * `PUT /storage/put/{key}` (presigned upload) and `GET|HEAD /files/{key}` (signed download, with Range).
 */
export function localStorageRoutes(store: LocalObjectStorage): Hono {
  const r = new Hono();

  r.put('/storage/put/*', async (c) => {
    const key = keyOf(c, '/storage/put/');
    if (!key) return fail(c, 400, 'INVALID_KEY', 'The upload URL names no valid object key; use the URL the API returned');
    const grant = { ct: c.req.query('ct') ?? '', size: c.req.query('size') ?? '', max: c.req.query('max'), exp: c.req.query('exp') ?? '', sig: c.req.query('sig') ?? '' };
    const check = store.checkPut(key, grant);
    if (check !== 'ok') return grantFailure(c, check, 'upload');
    const size = Number(grant.size);
    const upTo = grant.max === '1';
    const accepts = upTo ? `at most ${size}` : `exactly ${size}`;

    const sent = c.req.header('content-type') ?? '';
    if (mediaType(sent) !== mediaType(grant.ct)) {
      return fail(c, 403, 'SIGNATURE_MISMATCH', `Send the header Content-Type: ${grant.ct}, as declared when the URL was made (got ${JSON.stringify(sent)})`);
    }
    // A declared length is checked before a byte is read; without one, receive() counts as it streams.
    const length = c.req.header('content-length');
    if (length !== undefined) {
      if (!/^\d+$/.test(length)) return fail(c, 400, 'SIZE_MISMATCH', 'Content-Length is not a number');
      if (Number(length) > size) return fail(c, 413, 'PAYLOAD_TOO_LARGE', `The body is ${length} bytes; this URL accepts ${accepts}`);
      if (upTo ? Number(length) === 0 : Number(length) < size) return fail(c, 400, 'SIZE_MISMATCH', `The body is ${length} bytes; this URL accepts ${accepts}`);
    }

    const used = () => fail(c, 409, 'ALREADY_UPLOADED', 'This upload URL was already used; ask the API for a new one to upload other bytes');
    // Single-use: bytes once uploaded (and perhaps verified) are never replaced through the URL.
    if (await store.exists(key)) return used();
    try {
      await store.receive(key, c.req.raw.body ?? new Blob([]).stream(), grant.ct, size, { upTo });
    } catch (err) {
      if (err instanceof ObjectExistsError) return used();
      if (!(err instanceof BodySizeError)) throw err;
      return err.tooLarge
        ? fail(c, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${upTo ? 'the allowed' : 'the declared'} ${size} bytes; nothing was stored`)
        : fail(c, 400, 'SIZE_MISMATCH', upTo ? 'The body is empty; nothing was stored' : `The body is shorter than the declared ${size} bytes; nothing was stored`);
    }
    return c.json({ key, size: upTo ? (await store.head(key))?.size ?? 0 : size }, 200);
  });

  // Hono answers HEAD through the GET route and drops the body; the method check skips opening the file.
  r.get('/files/*', async (c) => {
    const key = keyOf(c, '/files/');
    if (!key) return fail(c, 404, 'NOT_FOUND', 'No object has this name');
    const exp = c.req.query('exp') ?? '';
    const sig = c.req.query('sig') ?? '';
    if (!sig) return fail(c, 403, 'SIGNATURE_MISMATCH', 'This URL names an object but grants no access; ask the API for a signed URL');
    const check = store.checkGet(key, exp, sig);
    if (check !== 'ok') return grantFailure(c, check, 'download');
    const head = await store.head(key);
    if (!head) return fail(c, 404, 'NOT_FOUND', 'No object has this name');

    const headers: Record<string, string> = {
      'content-type': head.contentType ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': `private, max-age=${Math.min(300, store.secondsLeft(exp))}`,
      // Stored bytes are served from the app's origin: never sniff them into HTML, never run scripts.
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
    };
    const range = parseRange(c.req.header('range'), head.size);
    if (range === 'unsatisfiable') {
      return fail(c, 416, 'RANGE_NOT_SATISFIABLE', `The object is ${head.size} bytes; ask for a range inside it`, { 'content-range': `bytes */${head.size}` });
    }
    const { start, end } = range ?? { start: 0, end: head.size - 1 };
    headers['content-length'] = String(end - start + 1);
    if (range) headers['content-range'] = `bytes ${start}-${end}/${head.size}`;
    const status = range ? 206 : 200;
    if (c.req.method === 'HEAD' || head.size === 0) return c.body(null, status, headers);
    const body = Readable.toWeb(store.readStream(key, { start, end })) as ReadableStream<Uint8Array>;
    return c.body(body, status, headers);
  });

  return r;
}
