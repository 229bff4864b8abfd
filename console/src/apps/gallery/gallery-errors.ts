import { ApiError } from '../../platform/api/client';
import type { Lang } from '../../platform/i18n/messages';
import type { useI18n } from '../../platform/i18n/i18n';

type Translate = ReturnType<typeof useI18n>['t'];

/** The details the server puts beside `code` and `message` in `{error: {...}}`. */
interface GalleryErrorDetails {
  term?: string;
  category?: string;
  categories?: string[];
  needed?: number;
  balance?: number;
  limit?: number;
}

const details = (err: ApiError): GalleryErrorDetails => ((err.body as { error?: GalleryErrorDetails } | null)?.error ?? {}) as GalleryErrorDetails;

/** When a wait of `seconds` ends, as a clock time in the language's way (DAILY_LIMIT's Retry-After). */
export function clockAfter(seconds: number, lang: Lang, now = new Date()): string {
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { hour: '2-digit', minute: '2-digit' }).format(new Date(now.getTime() + seconds * 1000));
}

/** The gallery's errors in words (what happened, whether it was charged, what to do), never a bare code. */
export function explain(err: unknown, t: Translate, lang: Lang = 'ko'): string {
  if (err instanceof ApiError) {
    const d = details(err);
    switch (err.code) {
      case 'PROMPT_BLOCKED':
        return t(d.category === 'copyright' ? 'gallery.error.blocked.copyright' : 'gallery.error.blocked.nsfw', { term: d.term ?? '?' });
      case 'PROMPT_REFUSED':
        return t('gallery.error.refused', { categories: (d.categories ?? []).join(', ') || '-' });
      case 'INSUFFICIENT_CREDITS':
        return t('gallery.error.credits', { needed: d.needed ?? '?', balance: d.balance ?? '?' });
      case 'ENTITY_BUSY':
        return t('gallery.error.busy');
      case 'DAILY_LIMIT': {
        const seconds = err.retryAfterSec ?? 0;
        return t('gallery.error.daily', {
          limit: d.limit ?? '?', time: clockAfter(seconds, lang), hours: Math.floor(seconds / 3600), minutes: Math.ceil((seconds % 3600) / 60),
        });
      }
      case 'CONCURRENCY_LIMIT':
        return t('gallery.error.concurrency');
      case 'MODERATION_UNAVAILABLE':
        return t('gallery.error.moderation');
      case 'NOT_OWNER':
        return t('gallery.error.notOwner');
      case 'ENTITY_NOT_FOUND':
        return t('gallery.error.notFound');
      case 'IMAGE_NOT_FOUND':
        return t('gallery.error.imageNotFound');
      case 'ORDER_MISMATCH':
        return t('gallery.error.order');
      case 'CROP_TOO_SMALL':
        return t('gallery.error.cropSmall');
      case 'CROP_OUT_OF_BOUNDS':
        return t('gallery.error.cropBounds');
      case 'CONTENT_BLOCKED':
        return t('gallery.error.cropBlocked');
      case 'ENTITY_LIMIT':
        return t('gallery.error.entityLimit');
      case 'INVALID_REQUEST':
        return t('gallery.error.invalid', { message: err.message });
    }
  }
  return t('gallery.error.generic', { message: err instanceof Error ? err.message : String(err) });
}
