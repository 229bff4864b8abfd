import type { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import type { EntityKind, GalleryBatch } from './gallery-api';
import { galleryMessages } from './messages';

type Translate = ReturnType<typeof useI18n>['t'];

/** A choice of the server's vocabularies by its name in the catalog; one the console does not know yet, as the server spells it. */
export function choiceWords(group: 'style' | 'ratio', value: string, t: Translate): string {
  const key = `gallery.${group}.${value}`;
  return key in galleryMessages.ko ? t(key as MessageKey) : value;
}

export const kindWords = (kind: EntityKind, t: Translate) => t(`gallery.kind.${kind}`);

/** Why images were blocked, each reason once (the guard, a near duplicate); the server's message for a code the console does not know. */
function blockedReasons(batch: GalleryBatch, t: Translate): string {
  const reasons = new Set(batch.errors.filter((e) => e.kind === 'blocked').map((e) => {
    const key = `gallery.blocked.${e.code}`;
    return key in galleryMessages.ko ? t(key as MessageKey) : e.message || e.code;
  }));
  return [...reasons].join(', ');
}

/**
 * A finished batch in one line (seed "집계 토스트"): "성공 n, 실패 m", then the blocked ones with
 * their reasons and the credits refunded, when there are any.
 */
export function batchSummary(batch: GalleryBatch, t: Translate): string {
  const parts = [t('gallery.toast.summary', { succeeded: batch.succeeded, failed: batch.failed })];
  if (batch.blocked > 0) parts[0] += `, ${t('gallery.toast.blocked', { n: batch.blocked, reasons: blockedReasons(batch, t) })}`;
  if (batch.refunded > 0) parts.push(t('gallery.toast.refund', { n: batch.refunded }));
  return parts.join(' · ');
}
