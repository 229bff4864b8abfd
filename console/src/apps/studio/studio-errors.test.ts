import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/api/client';
import type { MessageKey } from '../../platform/i18n/messages';
import { explain } from './studio-errors';
import { messages } from './test-kit';

const translate = (lang: 'ko' | 'en') => (key: MessageKey, vars?: Record<string, string | number>) =>
  Object.entries(vars ?? {}).reduce<string>((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), messages[lang][key]);
const ko = translate('ko');
const flat = (status: number, code: string, extra: Record<string, unknown> = {}, retryAfterSec?: number) =>
  new ApiError(status, { error: `server words for ${code}`, code, ...extra }, retryAfterSec);

describe('the studio’s errors in words', () => {
  it('says what each error code means, whether it was charged and what to do, never the code', () => {
    expect(explain(flat(402, 'INSUFFICIENT_CREDITS', { needed: 5, balance: 3 }), ko)).toBe('크레딧이 부족합니다: 5 크레딧이 필요하고 3 크레딧이 남아 있습니다.');
    expect(explain(flat(429, 'RATE_LIMITED', {}, 17), ko)).toBe('요청이 너무 많습니다. 17초 뒤에 다시 시도해 주세요.');
    expect(explain(flat(429, 'CONCURRENCY_LIMIT'), ko)).toBe(messages.ko['studio.error.concurrency']);
    expect(explain(flat(504, 'IMAGE_TIMEOUT'), ko)).toBe('시간 안에 끝나지 않아 중단했습니다. 크레딧은 차감되지 않았습니다. 다시 시도해 주세요.');
    expect(explain(flat(504, 'PROMPT_TIMEOUT'), ko)).toBe(messages.ko['studio.error.timeout']);
    expect(explain(flat(502, 'GENERATION_FAILED'), ko)).toBe(messages.ko['studio.error.failed']);
    expect(explain(flat(503, 'MODERATION_UNAVAILABLE'), ko)).toBe(messages.ko['studio.error.moderation']);
  });

  it('names the refused categories by their family, keeping one it does not know as the server spells it', () => {
    const refused = flat(400, 'PROMPT_REFUSED', { categories: ['violence/graphic', 'self_harm', 'weapons'] });
    expect(explain(refused, ko)).toBe('콘텐츠 정책에 따라 거절되었습니다 (폭력, 자해, weapons). 내용을 바꿔 다시 시도해 주세요. 크레딧은 차감되지 않았습니다.');
    expect(explain(refused, translate('en'))).toBe('Refused by the content policy (violence, self-harm, weapons). Change it and try again; nothing was charged.');
  });

  it('passes on the server’s own words for anything else', () => {
    expect(explain(flat(404, 'IMAGE_NOT_FOUND'), ko)).toBe('요청을 처리하지 못했습니다: server words for IMAGE_NOT_FOUND');
    expect(explain(new TypeError('Failed to fetch'), translate('en'))).toBe('The request failed: Failed to fetch');
  });
});
