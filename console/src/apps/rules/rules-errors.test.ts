import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/api/client';
import { explain, seedError } from './rules-errors';
import { translate } from './test-kit';

const ko = translate('ko');
const en = translate('en');
/** An error as `/s3` answers it: seed 003's envelope, details beside code and message. */
const seed = (status: number, code: string, details: Record<string, unknown> = {}, retryAfterSec?: number) =>
  new ApiError(status, { success: false, data: null, error: { code, message: `server words for ${code}`, ...details }, meta: { request_id: 'r', timestamp: 't' } }, retryAfterSec);

describe('the rules app’s errors in words', () => {
  it('says what each seed code means and what to do, never the code', () => {
    expect(explain(seed(402, 'INSUFFICIENT_CREDITS', { needed: 9, balance: 8 }), ko)).toBe('크레딧이 부족합니다: 9 크레딧이 필요하고 8 크레딧이 남아 있습니다. 사진 수를 줄여 다시 실행해 주세요.');
    expect(explain(seed(403, 'RULE_SLOT_FULL', { limit: 2, used: 2 }), ko)).toBe('규칙 슬롯 2개를 모두 사용 중이라 저장하지 못했습니다. 규칙을 하나 지우거나 요금제를 올려 주세요.');
    expect(explain(seed(429, 'CONCURRENCY_LIMIT', { limit: 1 }, 10), ko)).toBe('동시에 실행할 수 있는 작업(1개)이 모두 사용 중입니다. 진행 중인 작업이 끝나면, 10초 뒤쯤 다시 실행해 주세요.');
    expect(explain(seed(429, 'CONCURRENCY_LIMIT', { waiting: 2, limit: 2 }, 10), ko)).toBe('사진을 올렸지만 실행하지 않은 작업이 2개로, 요금제의 최대입니다. 그 작업을 실행하거나 취소해 주세요. 실행하지 않은 작업은 24시간 뒤 자동으로 취소되고 사진은 지워집니다.');
    expect(explain(seed(409, 'JOB_WRONG_STATE', { status: 'completed' }), ko)).toBe('지금 작업 상태(완료)에서는 할 수 없습니다.');
    expect(explain(seed(400, 'INVALID_REQUEST', { limit: 10 }), ko)).toBe('이 요금제는 한 작업에 사진을 최대 10장까지 넣을 수 있습니다.');
    expect(explain(seed(404, 'JOB_NOT_FOUND'), ko)).toBe('작업을 찾을 수 없습니다.');
    expect(explain(seed(401, 'AUTH_INVALID'), ko)).toBe('로그인이 만료되었습니다. 페이지를 새로 고쳐 주세요.');
    expect(explain(seed(500, 'INTERNAL_ERROR'), en)).toBe('The server had an error. Try again shortly.');
    expect(explain(seed(402, 'INSUFFICIENT_CREDITS', { needed: 3, balance: 1 }), en)).toBe('Not enough credits: 3 needed, 1 left. Use fewer photos and run again.');
  });

  it('keeps the server’s words where they name the field, and passes on anything else', () => {
    expect(explain(seed(400, 'INVALID_REQUEST'), ko)).toBe('요청이 올바르지 않습니다: server words for INVALID_REQUEST');
    expect(explain(new TypeError('Failed to fetch'), en)).toBe('The request failed: Failed to fetch');
  });

  it('reads the details of the envelope, and nothing from other errors', () => {
    expect(seedError(seed(400, 'INVALID_REQUEST', { missing: [2], invalid: [{ index: 1, reason: 'bad' }] }))).toMatchObject({ missing: [2], invalid: [{ index: 1, reason: 'bad' }] });
    expect(seedError(new Error('x'))).toEqual({});
  });
});
