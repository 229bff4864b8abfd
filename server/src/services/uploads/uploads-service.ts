import { createHash, randomBytes } from 'node:crypto';
import { invalid } from '../../core/errors/app-error';
import { ImageOverLimitError, InvalidMediaError, MediaLimitError, type ImageMime } from '../../core/ports/media';
import type { Upload } from '../../core/ports/store';
import type { Deps } from '../deps';

export const UPLOAD_MIME_EXT: Record<ImageMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export interface PresignedUpload {
  key: string;
  uploadUrl: string;
  publicUrl: string;
}

/** Seed 000 section 1: a presigned PUT for one image, keyed under the caller's id. */
export async function presignUpload(deps: Deps, userId: string, mime: ImageMime, size: number): Promise<PresignedUpload> {
  const key = `uploads/${userId}/${deps.clock.now().getTime()}_${randomBytes(8).toString('hex')}.${UPLOAD_MIME_EXT[mime]}`;
  await deps.store.tx((r) => r.uploads.insert({ key, userId, mime, declaredSize: size }));
  const uploadUrl = await deps.storage.presignPut({ key, contentType: mime, size, expiresInSec: deps.settings.uploadUrlTtlSec });
  return { key, uploadUrl, publicUrl: deps.storage.publicUrl(key) };
}

const badPhoto = (url: string, why: string) => invalid('INVALID_PHOTO_URL', `${why}: ${url}`, { url });

/**
 * Resolves a publicUrl to the caller's own upload and verifies it once: it exists, fits the declared
 * size, and really is the declared image within IMAGE_LIMITS (magic bytes, header, a full decode).
 * Never fetches a foreign URL.
 */
export async function verifyOwnUpload(deps: Deps, userId: string, url: string): Promise<Upload> {
  const key = deps.storage.keyFromPublicUrl(url);
  if (!key) throw badPhoto(url, 'Not an upload URL of this service');
  const upload = await deps.store.read((r) => r.uploads.get(key));
  if (!upload || upload.userId !== userId) throw badPhoto(url, 'No upload of yours at this URL');
  if (upload.status === 'verified') return upload;
  if (upload.status === 'rejected') throw badPhoto(url, 'This upload was rejected');

  const head = await deps.storage.head(key);
  if (!head) throw badPhoto(url, 'Nothing was uploaded to this URL yet');
  if (head.size < 1 || head.size > upload.declaredSize) throw badPhoto(url, `Uploaded size ${head.size} does not match the declared ${upload.declaredSize} bytes`);
  const body = await deps.storage.get(key, upload.declaredSize);
  if (!body) throw badPhoto(url, 'Nothing was uploaded to this URL yet');
  let info;
  try {
    info = await deps.media.inspectImage(body);
  } catch (err) {
    // Over a limit or over the checker's memory/time budget: the photo is refused, with the reason.
    if (err instanceof ImageOverLimitError || err instanceof MediaLimitError) throw badPhoto(url, `Photo refused: ${err.message}`);
    if (err instanceof InvalidMediaError) throw badPhoto(url, `Not a readable image (${err.message})`);
    throw err;
  }
  if (info.mime !== upload.mime) throw badPhoto(url, `File is ${info.mime}, but ${upload.mime} was declared`);
  const facts = { size: body.length, sha256: createHash('sha256').update(body).digest('hex'), width: info.width, height: info.height };
  await deps.store.tx((r) => r.uploads.markVerified(key, facts));
  return { ...upload, ...facts, status: 'verified' };
}

