import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EntityPage } from './EntityPage';
import { batch, entity, fail, fakeServer, serveCharacter } from './fake-server';
import type { GalleryBatch } from './gallery-api';
import { BATCH_POLL } from './ImageGenerateModal';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const PREFILL = 'Portrait of 하늘. 은발의 검객 🗡️';
const result = (index: number) => ({ index, asset_id: `ast_${index}`, url: `/media/assets/ast_${index}` });

/** The batch's reads in turn; the last one is read again for as long as it is asked for. */
function batchReads(...reads: GalleryBatch[]) {
  fakeServer.routes.set('GET /media/jobs/{job_id}', () => ({ body: reads.length > 1 ? reads.shift() : reads[0] }));
}

beforeEach(() => {
  BATCH_POLL.ms = 20;
  fakeServer.reset();
  serveCharacter(entity());
  fakeServer.routes.set('POST /media/generate', () => ({ status: 202, body: { job_id: 'job_1' } }));
});
afterEach(cleanup);

async function openModal() {
  renderWith(<EntityPage collection="characters" id="chr_1" />);
  fireEvent.click(await screen.findByRole('button', { name: '대표이미지 생성' }));
  const dialog = await screen.findByRole('dialog', { name: '대표이미지 생성' });
  await within(dialog).findByLabelText('프롬프트 (고쳐 쓸 수 있습니다)');
  return dialog;
}
const prompt = () => screen.getByLabelText('프롬프트 (고쳐 쓸 수 있습니다)') as HTMLTextAreaElement;
const cells = () => screen.getAllByTestId('batch-cell');
const busy = () => cells().filter((c) => c.getAttribute('aria-busy') === 'true').length;
const toast = () => screen.findByTestId('gallery-toast-text');

describe('ImageGenerateModal', () => {
  it('is filled from prompt-prefill (Korean and emoji kept, editable) and shows the price and today’s use from the server', async () => {
    await openModal();
    expect(prompt().value).toBe(PREFILL);
    await waitFor(() => expect(document.activeElement).toBe(prompt()));
    expect((screen.getByLabelText('개수') as HTMLSelectElement).value).toBe('4');
    expect((screen.getByLabelText('비율') as HTMLSelectElement).value).toBe('3:4');
    expect([...(screen.getByLabelText('스타일') as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['사실적 (Realistic)', '애니메이션 (Anime)', '회화풍 (Painterly)']);
    expect(screen.getByTestId('generate-price').textContent).toBe('가격: 8 크레딧 (4장 × 2)오늘 만든 이미지: 5 / 24장');
    const long = `${'달빛 아래 은발 검객 🌙✨ '.repeat(150)}`.slice(0, 3000);
    fireEvent.change(prompt(), { target: { value: long } });
    expect(screen.getByTestId('prompt-chars').textContent).toBe(`${long.length} / 2000자`);
    expect(prompt().maxLength).toBe(2000);
  });

  it('sends what the form says, and fills a skeleton grid of one cell: "성공 1, 실패 0"', async () => {
    batchReads(batch({ count: 1 }), batch({ count: 1, status: 'completed', progress: 1, results: [result(0)], succeeded: 1 }));
    await openModal();
    fireEvent.change(prompt(), { target: { value: `${PREFILL} 달빛 아래 🌙` } });
    fireEvent.change(screen.getByLabelText('개수'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('스타일'), { target: { value: 'painterly' } });
    fireEvent.change(screen.getByLabelText('시드 (선택, 비우면 무작위)'), { target: { value: '42' } });
    fireEvent.change(screen.getByLabelText('변형 강도 (0~1, 선택)'), { target: { value: '0.3' } });
    fireEvent.change(screen.getByLabelText('제외할 내용 (네거티브 프롬프트, 선택)'), { target: { value: ' 흐릿함 ' } });
    fireEvent.click(screen.getByRole('button', { name: '1장 생성 (2 크레딧)' }));
    await waitFor(() => expect(cells()).toHaveLength(1));
    expect(fakeServer.sent('POST /media/generate')[0]!.body).toEqual({
      entity_type: 'character', entity_id: 'chr_1', count: 1, prompt: `${PREFILL} 달빛 아래 🌙`, style: 'painterly', ratio: '3:4', negative_prompt: '흐릿함', seed: 42, variation_strength: 0.3,
    });
    expect(await toast()).toHaveProperty('textContent', '성공 1, 실패 0');
    expect(busy()).toBe(0);
    expect(screen.getByRole('img', { name: '생성된 이미지 1' }).getAttribute('src')).toBe('/media/assets/ast_0');
    expect(screen.queryByRole('button', { name: /^실패한 것 다시 생성/ })).toBeNull();
  });

  it('shows eight busy cells that fill one by one as results arrive, then "성공 8, 실패 0"', async () => {
    const all = Array.from({ length: 8 }, (_, i) => result(i));
    batchReads(
      batch({ count: 8 }),
      batch({ count: 8, results: [all[5]!, all[1]!, all[2]!], succeeded: 3, progress: 0.375 }),
      batch({ count: 8, status: 'completed', progress: 1, results: all, succeeded: 8 }),
    );
    await openModal();
    fireEvent.change(screen.getByLabelText('개수'), { target: { value: '8' } });
    fireEvent.click(screen.getByRole('button', { name: '8장 생성 (16 크레딧)' }));
    await waitFor(() => expect(cells()).toHaveLength(8));
    expect(busy()).toBe(8);
    expect(screen.getByRole('button', { name: '생성 취소 (남은 이미지 환불)' })).toBeTruthy();
    await waitFor(() => expect(busy()).toBe(5));
    expect(cells().map((c) => c.getAttribute('data-state'))).toEqual(['waiting', 'done', 'done', 'waiting', 'waiting', 'done', 'waiting', 'waiting']);
    expect(screen.getByTestId('batch-progress').textContent).toBe('3 / 8 완료');
    expect(await toast()).toHaveProperty('textContent', '성공 8, 실패 0');
    expect(busy()).toBe(0);
    expect(screen.queryByRole('button', { name: '생성 취소 (남은 이미지 환불)' })).toBeNull();
    // The finished batch is in the gallery: the header and the gallery were read again.
    expect(fakeServer.sent('GET /characters/{id}').length).toBeGreaterThan(1);
  });

  it('counts failed and blocked images with the reason and the refund, and regenerates just those', async () => {
    batchReads(batch({
      status: 'completed', progress: 1, results: [result(0), result(3)], succeeded: 2, failed: 1, blocked: 1, refunded: 2,
      errors: [
        { index: 1, kind: 'failed', code: 'GENERATION_FAILED', message: 'The provider failed', refunded: 1 },
        { index: 2, kind: 'blocked', code: 'CONTENT_BLOCKED', message: 'Blocked by the content guard: porn', refunded: 1 },
      ],
    }));
    await openModal();
    fireEvent.change(screen.getByLabelText('시드 (선택, 비우면 무작위)'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: '4장 생성 (8 크레딧)' }));
    expect(await toast()).toHaveProperty('textContent', '성공 2, 실패 1, 차단 1 (콘텐츠 가드에 걸린 이미지) · 크레딧 환불 2');
    expect(cells().map((c) => c.getAttribute('data-state'))).toEqual(['done', 'failed', 'blocked', 'done']);
    expect(screen.getByText('이미지 3: 차단됨')).toBeTruthy();

    fakeServer.routes.set('POST /media/generate', () => ({ status: 202, body: { job_id: 'job_2' } }));
    batchReads(batch({ job_id: 'job_2', count: 2, status: 'completed', progress: 1, results: [result(0), result(1)], succeeded: 2 }));
    fireEvent.click(screen.getByRole('button', { name: '실패한 것 다시 생성 (2장, 4 크레딧)' }));
    await waitFor(() => expect(screen.getByTestId('gallery-toast-text').textContent).toBe('성공 2, 실패 0'));
    const [first, retry] = fakeServer.sent('POST /media/generate').map((r) => r.body as Record<string, unknown>);
    // The same request for the two, with a new seed: seed 7 again would make images 1 and 2 of the first batch again.
    const { seed, ...rest } = first!;
    expect(seed).toBe(7);
    expect(retry).toEqual({ ...rest, count: 2 });
    expect(cells()).toHaveLength(2);
  });

  it('cancels a running batch, and the toast says what came back', async () => {
    batchReads(batch({ results: [result(0)], succeeded: 1 }));
    fakeServer.routes.set('POST /media/jobs/{job_id}/cancel', () => ({ body: batch({ status: 'cancelled', results: [result(0)], succeeded: 1, failed: 3, refunded: 3 }) }));
    await openModal();
    fireEvent.click(screen.getByRole('button', { name: '4장 생성 (8 크레딧)' }));
    fireEvent.click(await screen.findByRole('button', { name: '생성 취소 (남은 이미지 환불)' }));
    expect(await toast()).toHaveProperty('textContent', '생성을 취소했습니다. 성공 1, 실패 3 · 크레딧 환불 3');
    expect(fakeServer.sent('POST /media/jobs/{job_id}/cancel')[0]!.params?.path).toEqual({ job_id: 'job_1' });
  });

  it('keeps a batch going when the modal is closed: a line says so, it opens again, and the toast still comes', async () => {
    const reads = [batch({ results: [result(0)], succeeded: 1 })];
    fakeServer.routes.set('GET /media/jobs/{job_id}', () => ({ body: reads[0] }));
    await openModal();
    fireEvent.click(screen.getByRole('button', { name: '4장 생성 (8 크레딧)' }));
    await waitFor(() => expect(busy()).toBe(3));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((await screen.findByTestId('batch-running')).textContent).toContain('이미지를 만드는 중입니다 (1 / 4).');
    fireEvent.click(screen.getByRole('button', { name: '진행 상황 보기' }));
    await waitFor(() => expect(busy()).toBe(3));
    fireEvent.click(screen.getByRole('button', { name: '닫기' }));
    reads[0] = batch({ status: 'completed', progress: 1, results: [0, 1, 2, 3].map(result), succeeded: 4 });
    expect(await toast()).toHaveProperty('textContent', '성공 4, 실패 0');
    expect(screen.queryByTestId('batch-running')).toBeNull();
  });

  it('explains a refused batch in words: the blocked term, a running batch, the daily limit with when, missing credits', async () => {
    const replies = [
      fail(400, 'PROMPT_BLOCKED', 'The prompt contains "누드"', { term: '누드', category: 'nsfw' }),
      fail(400, 'PROMPT_BLOCKED', 'The prompt names "pikachu"', { term: 'pikachu', category: 'copyright' }),
      fail(409, 'ENTITY_BUSY', 'A batch for this character is still generating', { limit: 1 }),
      fail(429, 'DAILY_LIMIT', 'Daily limit reached', { limit: 24, used: 24 }, { 'retry-after': '5430' }),
      fail(402, 'INSUFFICIENT_CREDITS', 'Not enough credits', { needed: 8, balance: 3 }),
    ];
    fakeServer.routes.set('POST /media/generate', () => replies.shift()!);
    await openModal();
    const send = async () => {
      fireEvent.click(screen.getByRole('button', { name: '4장 생성 (8 크레딧)' }));
      await waitFor(() => expect(screen.getByRole('button', { name: '4장 생성 (8 크레딧)' })).toBeTruthy());
      return screen.getByTestId('generate-error').textContent;
    };
    expect(await send()).toBe('프롬프트의 "누드"은(는) 성인 콘텐츠로 차단되는 표현입니다. 바꿔서 다시 시도해 주세요. 크레딧은 차감되지 않았습니다.');
    expect(await send()).toBe('프롬프트의 "pikachu"은(는) 저작권이 있는 캐릭터나 브랜드라 쓸 수 없습니다. 나만의 표현으로 바꿔 주세요. 크레딧은 차감되지 않았습니다.');
    expect(await send()).toBe('이 항목의 이미지를 아직 만드는 중입니다. 끝나거나 취소한 뒤 다시 시도해 주세요.');
    expect(await send()).toMatch(/^하루 생성 한도\(24장\)를 다 썼습니다\. .+부터 다시 만들 수 있습니다 \(1시간 31분 뒤\)\.$/);
    expect(await send()).toBe('크레딧이 부족합니다: 8 크레딧이 필요하고 3 크레딧이 남아 있습니다.');
    expect(screen.queryByTestId('batch-grid')).toBeNull();
  });
});
