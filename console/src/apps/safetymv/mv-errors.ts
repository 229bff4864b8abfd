import { ApiError } from '../../platform/api/client';
import type { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { safetymvMessages } from './messages';
import { sizeWords } from './mv-words';

type Translate = ReturnType<typeof useI18n>['t'];

/** The limits the words name (from GET /mv/options; the server's defaults until it answers). */
export interface Limits { pdf_max_bytes: number; pdf_max_pages: number }

/**
 * The app's errors in words (what happened, what to do), never a bare code: the known codes in
 * the console's language with the server's message beside when it says more (which field, which
 * timing problem); an unknown code as the server's message.
 */
export function explain(err: unknown, t: Translate, limits: Limits = { pdf_max_bytes: 20 * 1024 * 1024, pdf_max_pages: 100 }): string {
  if (err instanceof ApiError && err.code) {
    const key = `mv.error.${err.code}`;
    if (key in safetymvMessages.ko) {
      return t(key as MessageKey, { message: err.message, max: sizeWords(limits.pdf_max_bytes), pages: limits.pdf_max_pages });
    }
  }
  return t('mv.error.generic', { message: err instanceof Error ? err.message : String(err) });
}
