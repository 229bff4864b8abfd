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

/** The verified facts of an upload's bytes; throws PhotoRefused saying why they are not accepted. */
async function examineUpload(deps: Deps, upload: Upload, url: string): Promise<{ size: number; sha256: string; width: number; height: number }> {
  const head = await deps.storage.head(upload.key);
  if (!head) throw badPhoto(url, 'Nothing was uploaded to this URL yet');
  if (head.size < 1 || head.size > upload.declaredSize) throw new PhotoRefused(`Uploaded size ${head.size} does not match the declared ${upload.declaredSize} bytes`);
  const body = await deps.storage.get(upload.key, upload.declaredSize);
  if (!body) throw badPhoto(url, 'Nothing was uploaded to this URL yet');
  let info;
  try {
    info = await deps.media.inspectImage(body);
  } catch (err) {
    // Over a limit or over the checker's memory/time budget: the photo is refused, with the reason.
    if (err instanceof ImageOverLimitError || err instanceof MediaLimitError) throw new PhotoRefused(`Photo refused: ${err.message}`, { cause: err });
    if (err instanceof InvalidMediaError) throw new PhotoRefused(`Not a readable image (${err.message})`, { cause: err });
    throw err;
  }
  if (info.mime !== upload.mime) throw new PhotoRefused(`File is ${info.mime}, but ${upload.mime} was declared`);
  return { size: body.length, sha256: createHash('sha256').update(body).digest('hex'), width: info.width, height: info.height };
}
