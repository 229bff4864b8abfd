import { createHash, randomBytes } from 'node:crypto';
import { AppError, invalid } from '../../core/errors/app-error';
import { hourWindow, secondsUntilNextHour } from '../../core/quotas/day-window';
import { ImageOverLimitError, InvalidMediaError, MediaLimitError, type ImageMime } from '../../core/ports/media';
import type { Repos, Upload } from '../../core/ports/store';
import type { Deps, Settings } from '../deps';

export const UPLOAD_MIME_EXT: Record<ImageMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export interface PresignedUpload {
  key: string;
  uploadUrl: string;
  publicUrl: string;
}

/**
 * Seed 000 section 1: a presigned PUT for one image, keyed under the caller's id. Counts the upload
 * against the caller's hourly limits (count and declared bytes) in the same transaction as its row.
 */
export async function presignUpload(deps: Deps, userId: string, mime: ImageMime, size: number): Promise<PresignedUpload> {
  const now = deps.clock.now();
  const key = `uploads/${userId}/${now.getTime()}_${randomBytes(8).toString('hex')}.${UPLOAD_MIME_EXT[mime]}`;
  await deps.store.tx(async (r) => {
    await countUpload(r, deps.settings, userId, size, now);
    await r.uploads.insert({ key, userId, mime, declaredSize: size, createdAt: now });
  });
  const uploadUrl = await deps.storage.presignPut({ key, contentType: mime, size, expiresInSec: deps.settings.uploadUrlTtlSec });
  return { key, uploadUrl, publicUrl: deps.storage.publicUrl(key) };
}

/** Takes one upload and `size` bytes from the user's hourly allowance, or throws 429 with Retry-After. */
async function countUpload(r: Repos, settings: Settings, userId: string, size: number, now: Date): Promise<void> {
  const window = hourWindow(now);
  const retryAfter = secondsUntilNextHour(now);
  if (!(await r.counters.incrementIfBelow({ scope: 'uploads.count', subject: userId, window }, 1, settings.uploadsPerHour))) {
    throw new AppError('rate_limited', 'UPLOAD_LIMIT', `Upload limit reached (${settings.uploadsPerHour} uploads/hour)`, {}, retryAfter);
  }
  if (!(await r.counters.incrementIfBelow({ scope: 'uploads.bytes', subject: userId, window }, size, settings.uploadBytesPerHour))) {
    const mb = Math.floor(settings.uploadBytesPerHour / (1024 * 1024));
    throw new AppError('rate_limited', 'UPLOAD_LIMIT', `Upload limit reached (${mb} MB/hour)`, {}, retryAfter);
  }
}

const badPhoto = (url: string, why: string) => invalid('INVALID_PHOTO_URL', `${why}: ${url}`, { url });

/** A refusal of the uploaded bytes themselves: the upload is rejected and its object deleted. */
class PhotoRefused extends Error {}

/**
 * Resolves a publicUrl to the caller's own upload and verifies it once: it exists, fits the declared
 * size, and really is the declared image within IMAGE_LIMITS (magic bytes, header, a full decode).
 * Never fetches a foreign URL. Bytes it refuses are deleted and the upload marked rejected with the
 * reason, which a later draft naming the URL is told again without the bytes being examined a second time.
 */
export async function verifyOwnUpload(deps: Deps, userId: string, url: string): Promise<Upload> {
  const key = deps.storage.keyFromPublicUrl(url);
  if (!key) throw badPhoto(url, 'Not an upload URL of this service');
  const upload = await deps.store.read((r) => r.uploads.get(key));
  if (!upload || upload.userId !== userId) throw badPhoto(url, 'No upload of yours at this URL');
  if (upload.status === 'verified') return upload;
  if (upload.status === 'rejected') throw badPhoto(url, `This upload was rejected (${upload.rejectReason ?? 'not an accepted image'}); upload the photo again`);
  if (upload.status === 'expired') throw badPhoto(url, 'This upload expired unused and was deleted; upload the photo again');

  try {
    const facts = await examineUpload(deps, upload, url);
    await deps.store.tx((r) => r.uploads.markVerified(key, facts, deps.clock.now()));
    return { ...upload, ...facts, status: 'verified' };
  } catch (err) {
    if (!(err instanceof PhotoRefused)) throw err;
    const reason = err.message;
    // The object first: a crash before the mark leaves a pending upload the sweeper expires.
    await deps.storage.delete(key);
    await deps.store.tx((r) => r.uploads.markRejected(key, reason));
    throw badPhoto(url, reason);
  }
}

/** What an object in storage is, as an image: missing, refused (and why), or its verified facts. */
export type StoredImage =
  | { status: 'missing' }
  | { status: 'refused'; reason: string }
  | { status: 'image'; mime: ImageMime; size: number; sha256: string; width: number; height: number };

/**
 * Reads the object at `key` and checks it is a readable image within IMAGE_LIMITS (magic bytes, the
 * header's limits, a full decode, in the media toolkit's isolated workers) and at most `maxBytes`
 * (refused larger or empty, before its bytes are read). The one inspection of stored photos: an
 * upload's verification and the rules app's confirm-upload both use it.
 */
export async function inspectStoredImage(deps: Pick<Deps, 'storage' | 'media'>, key: string, maxBytes: number): Promise<StoredImage> {
  const head = await deps.storage.head(key);
  if (!head) return { status: 'missing' };
  if (head.size < 1) return { status: 'refused', reason: 'The file is empty' };
  if (head.size > maxBytes) return { status: 'refused', reason: `The file is ${head.size} bytes, over the ${maxBytes} allowed` };
  const body = await deps.storage.get(key, maxBytes);
  if (!body) return { status: 'missing' };
  try {
    const info = await deps.media.inspectImage(body);
    return { status: 'image', mime: info.mime, size: body.length, sha256: createHash('sha256').update(body).digest('hex'), width: info.width, height: info.height };
  } catch (err) {
    // Over a limit or over the checker's memory/time budget: refused, with the reason.
    if (err instanceof ImageOverLimitError || err instanceof MediaLimitError) return { status: 'refused', reason: `Photo refused: ${err.message}` };
    if (err instanceof InvalidMediaError) return { status: 'refused', reason: `Not a readable image (${err.message})` };
    throw err;
  }
}

/** The verified facts of an upload's bytes; throws PhotoRefused saying why they are not accepted. */
async function examineUpload(deps: Deps, upload: Upload, url: string): Promise<{ size: number; sha256: string; width: number; height: number }> {
  const seen = await inspectStoredImage(deps, upload.key, upload.declaredSize);
  if (seen.status === 'missing') throw badPhoto(url, 'Nothing was uploaded to this URL yet');
  if (seen.status === 'refused') throw new PhotoRefused(seen.reason);
  if (seen.mime !== upload.mime) throw new PhotoRefused(`File is ${seen.mime}, but ${upload.mime} was declared`);
  return { size: seen.size, sha256: seen.sha256, width: seen.width, height: seen.height };
}
