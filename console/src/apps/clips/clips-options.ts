import type { components } from '../../platform/api/schema';

/** The confirm request as the server's OpenAPI document types it: these lists are checked against it. */
export type ConfirmRequest = components['schemas']['ConfirmRequest'];

export const MODES: ConfirmRequest['mode'][] = ['quick', 'story', 'trailer'];
export const STAGES: ConfirmRequest['stage'][] = ['child', 'teen', 'twenties', 'thirties', 'middle', 'senior'];
export const GENRES: ConfirmRequest['genre'][] = ['comedy', 'drama', 'romance', 'action', 'fantasy', 'horror', 'documentary', 'musical'];
export const DISTANCES: NonNullable<ConfirmRequest['distanceMode']>[] = ['similar', 'different', 'opposite'];
export const ENDINGS: NonNullable<ConfirmRequest['desiredEnding']>[] = ['growth', 'happy', 'bittersweet', 'open', 'twist'];

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The price shown before the click: story 2, trailer 5, the rewrite +1; quick is free once a day. */
export function price(mode: ConfirmRequest['mode'], rewrite: boolean): number {
  if (mode === 'quick') return 0;
  return (mode === 'story' ? 2 : 5) + (rewrite ? 1 : 0);
}

export type PhotoProblem = { kind: 'badType' | 'tooBig'; name: string } | { kind: 'tooMany' };

/** Checks chosen files before any upload: type, size, and the 3-photo limit. */
export function checkPhotos(files: { name: string; type: string; size: number }[], already: number): { accepted: number[]; problems: PhotoProblem[] } {
  const accepted: number[] = [];
  const problems: PhotoProblem[] = [];
  files.forEach((f, i) => {
    if (!(PHOTO_TYPES as readonly string[]).includes(f.type)) problems.push({ kind: 'badType', name: f.name });
    else if (f.size > MAX_PHOTO_BYTES || f.size === 0) problems.push({ kind: 'tooBig', name: f.name });
    else if (already + accepted.length >= MAX_PHOTOS) {
      if (!problems.some((p) => p.kind === 'tooMany')) problems.push({ kind: 'tooMany' });
    } else accepted.push(i);
  });
  return { accepted, problems };
}
