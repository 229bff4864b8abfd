import { ApiError } from '../../platform/api/client';
import type { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { studioMessages } from './messages';

type Translate = ReturnType<typeof useI18n>['t'];

/** The studio's errors in words (what happened, whether it was charged, what to do), never a bare code. */
export function explain(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    const body = (err.body ?? {}) as { needed?: number; balance?: number; categories?: string[] };
    switch (err.code) {
      case 'INSUFFICIENT_CREDITS':
        return t('studio.error.credits', { needed: body.needed ?? '?', balance: body.balance ?? '?' });
      case 'RATE_LIMITED':
        // The per-minute limits always send Retry-After; a minute is their longest wait.
        return t('studio.error.rateLimited', { seconds: err.retryAfterSec ?? 60 });
      case 'CONCURRENCY_LIMIT':
        return t('studio.error.concurrency');
      case 'PROMPT_REFUSED':
        return t('studio.error.refused', { categories: (body.categories ?? []).map((c) => categoryName(c, t)).join(', ') || '-' });
      case 'PROMPT_TIMEOUT':
      case 'IMAGE_TIMEOUT':
        return t('studio.error.timeout');
      case 'GENERATION_FAILED':
        return t('studio.error.failed');
      case 'MODERATION_UNAVAILABLE':
        return t('studio.error.moderation');
    }
  }
  return t('studio.error.generic', { message: err instanceof Error ? err.message : String(err) });
}

/** A moderation category in words: OpenAI's `violence/graphic` and the stub's `self_harm` by their family. */
function categoryName(category: string, t: Translate): string {
  const key = `studio.category.${category.split('/')[0]!.replace('_', '-')}`;
  return key in studioMessages.ko ? t(key as MessageKey) : category;
}
