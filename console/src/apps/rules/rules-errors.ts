import { ApiError } from '../../platform/api/client';
import type { useI18n } from '../../platform/i18n/i18n';
import { jobStatusWords } from './rules-words';

type Translate = ReturnType<typeof useI18n>['t'];

/** The details seed 003 puts beside `code` and `message` in its error envelope. */
export interface SeedErrorDetails {
  code?: string;
  message?: string;
  needed?: number;
  balance?: number;
  limit?: number;
  used?: number;
  /** CONCURRENCY_LIMIT of POST /s3/jobs: the jobs made and not yet executed. */
  waiting?: number;
  status?: string;
  missing?: number[];
  invalid?: { index: number; reason: string }[];
  /** confirm-upload's fresh upload URLs for the photos to send again. */
  uploads?: { index: number; method: 'PUT'; upload_url: string; headers: Record<string, string>; max_bytes: number }[];
}

/** The `error` of a `/s3` error envelope; empty for anything else. */
export function seedError(err: unknown): SeedErrorDetails {
  if (!(err instanceof ApiError)) return {};
  return ((err.body as { error?: SeedErrorDetails } | null)?.error ?? {}) as SeedErrorDetails;
}

/** A `/s3` error in words (what happened, what to do), never a bare code; the server's message where it names a field. */
export function explain(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    const e = seedError(err);
    switch (err.code) {
      case 'INSUFFICIENT_CREDITS':
        return t('rules.error.credits', { needed: e.needed ?? '?', balance: e.balance ?? '?' });
      case 'RULE_SLOT_FULL':
        return t('rules.error.slotFull', { limit: e.limit ?? '?' });
      case 'CONCURRENCY_LIMIT':
        if (e.waiting !== undefined) return t('rules.error.waiting', { limit: e.limit ?? '?' });
        // Retry-After always comes with it; ten seconds is the server's own guess when it does not.
        return t('rules.error.concurrency', { limit: e.limit ?? '?', seconds: err.retryAfterSec ?? 10 });
      case 'JOB_WRONG_STATE':
        return t('rules.error.wrongState', { status: e.status ? jobStatusWords(e.status, t) : '?' });
      case 'INVALID_REQUEST':
        // Too many photos for the plan carries the plan's limit; any other names its field in the message.
        return e.limit !== undefined ? t('rules.error.imageLimit', { limit: e.limit }) : t('rules.error.invalid', { message: err.message });
      case 'NOT_FOUND':
        return t('rules.error.notFound');
      case 'JOB_NOT_FOUND':
        return t('rules.error.jobNotFound');
      case 'AUTH_REQUIRED':
      case 'AUTH_INVALID':
        return t('rules.error.auth');
      case 'INTERNAL_ERROR':
        return t('rules.error.internal');
    }
  }
  return t('rules.error.generic', { message: err instanceof Error ? err.message : String(err) });
}
