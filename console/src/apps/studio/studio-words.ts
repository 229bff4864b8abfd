import type { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { studioMessages } from './messages';

type Translate = ReturnType<typeof useI18n>['t'];

/** A price as a button shows it: free, 1 credit, n credits. */
export function priceWords(credits: number, t: Translate): string {
  if (credits === 0) return t('studio.price.free');
  return credits === 1 ? t('studio.price.one') : t('studio.price.many', { n: credits });
}

/** A choice of the server's vocabularies by its name in the catalog; one the console does not know yet, as the server spells it. */
export function choiceWords(group: 'style' | 'mood' | 'camera' | 'ratio', value: string, t: Translate): string {
  const key = `studio.${group}.${value}`;
  return key in studioMessages.ko ? t(key as MessageKey) : value;
}

export type ShownStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** A job's status in the five words the studio uses for its videos, as the server maps them (running and waiting are in progress). */
export function shownStatus(status: string): ShownStatus {
  if (status === 'running' || status === 'waiting') return 'in_progress';
  if (status === 'completed' || status === 'failed' || status === 'cancelled' || status === 'in_progress') return status;
  return 'queued';
}

export const statusWords = (status: string, t: Translate) => t(`studio.status.${shownStatus(status)}`);
