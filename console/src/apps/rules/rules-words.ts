import type { useI18n } from '../../platform/i18n/i18n';
import type { MessageKey } from '../../platform/i18n/messages';
import { rulesMessages } from './messages';
import type { Op } from './rules-api';

type Translate = ReturnType<typeof useI18n>['t'];

/** A word of the catalog, or the server's own spelling of a value the console does not know yet. */
function known(key: string, fallback: string, t: Translate): string {
  return key in rulesMessages.ko ? t(key as MessageKey) : fallback;
}

export const opWords = (op: Op | string, t: Translate) => known(`rules.op.${op}`, op, t);
export const fieldWords = (field: string, t: Translate) => known(`rules.field.${field}`, field, t);
export const choiceWords = (value: string | number, t: Translate) => known(`rules.choice.${value}`, String(value), t);
export const jobStatusWords = (status: string, t: Translate) => known(`rules.job.${status}`, status, t);
export const itemStatusWords = (status: string, t: Translate) => known(`rules.item.${status}`, status, t);
