import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeServer, OPTIONS } from './fake-server';
import { HistoryPanel } from './HistoryPanel';
import type { HistoryItem } from './studio-api';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const at = '2026-01-01T00:00:00Z';
const ITEMS: HistoryItem[] = [
  { type: 'video', jobId: 'job_v', status: 'completed', createdAt: at, input: {}, prompt: 'a cat, video', imageId: 'asset_1', videoUrl: '/files/v.mp4', thumbnailUrl: '/files/v.jpg', progress: 100 },
  { type: 'video', jobId: 'job_v2', status: 'in_progress', createdAt: at, input: {}, prompt: 'a dog, video', progress: 40 },
  { type: 'image', jobId: 'job_i', status: 'completed', createdAt: at, input: {}, prompt: 'a cat, image', imageId: 'asset_1', imageUrl: '/files/i.png', thumbnailUrl: '/files/i.jpg' },
  { type: 'prompt', jobId: 'job_p', status: 'completed', createdAt: at, input: { idea: '고양이' }, prompt: 'a cat, prompt' },
];
const OLDER: HistoryItem = { type: 'prompt', jobId: 'job_old', status: 'completed', createdAt: at, input: { idea: '개' }, prompt: 'a dog, prompt' };
const NEW_IMAGE = { imageId: 'asset_2', imageUrl: '/files/i2.png', thumbnailUrl: null, jobId: 'job_i2', width: 1024, height: 1024 };

beforeEach(() => {
  fakeServer.reset();
  fakeServer.routes.set('GET /api/history', ({ params }) => {
    const q = params!.query!;
    if (q.cursor === 'c1') return { body: { items: [OLDER], nextCursor: null } };
    return { body: { items: ITEMS.filter((i) => !q.type || i.type === q.type), nextCursor: q.type ? null : 'c1' } };
  });
  fakeServer.routes.set('POST /api/images/{imageId}/regenerate', () => ({ body: NEW_IMAGE }));
  fakeServer.routes.set('POST /api/videos/{jobId}/regenerate', () => ({ status: 202, body: { jobId: 'job_v3', status: 'queued', message: '대기열에 등록되었습니다' } }));
});
afterEach(cleanup);

function renderPanel() {
  const props = { prices: OPTIONS.prices, onUsePrompt: vi.fn(), onImage: vi.fn(), onVideo: vi.fn() };
  renderWith(<HistoryPanel {...props} />);
  return props;
}
const entries = () => screen.getByTestId('history').querySelectorAll('li');

describe('HistoryPanel', () => {
  it('lists the three kinds, newest first, with a running video’s progress, and what each can do again', async () => {
    renderPanel();
    await waitFor(() => expect(entries()).toHaveLength(4));
    expect([...entries()].map((li) => li.getAttribute('data-type'))).toEqual(['video', 'video', 'image', 'prompt']);
    expect(within(entries()[1]!).getByText('만드는 중 · 40%')).toBeTruthy();
    expect(within(entries()[0]!).getByRole('link', { name: '영상 열기' }).getAttribute('href')).toBe('/files/v.mp4');
    // The buttons are named alike; each is described by its entry's prompt.
    const regenerate = within(entries()[2]!).getByRole('button', { name: '다시 생성 (2 크레딧)' });
    expect(document.getElementById(regenerate.getAttribute('aria-describedby')!)?.textContent).toBe('a cat, image');
    expect(within(entries()[0]!).getByRole('button', { name: '다시 생성 (7 크레딧)' })).toBeTruthy();
  });

  it('filters by kind and reads older entries with the cursor', async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: '더 보기' }));
    await waitFor(() => expect(entries()).toHaveLength(5));
    expect(fakeServer.sent('GET /api/history').map((r) => r.params!.query)).toEqual([{ limit: 10 }, { limit: 10, cursor: 'c1' }]);

    const filter = screen.getByRole('group', { name: '기록 종류' });
    fireEvent.click(within(filter).getByRole('button', { name: '이미지' }));
    await waitFor(() => expect([...entries()].map((li) => li.getAttribute('data-type'))).toEqual(['image']));
    expect(within(filter).getByRole('button', { name: '이미지' }).getAttribute('aria-pressed')).toBe('true');
    expect(fakeServer.sent('GET /api/history').at(-1)!.params!.query).toEqual({ limit: 10, type: 'image' });
    expect(screen.queryByRole('button', { name: '더 보기' })).toBeNull();
  });

  it('hands on a prompt to use, a regenerated image with its prompt, and a regenerated video', async () => {
    const props = renderPanel();
    await waitFor(() => expect(entries()).toHaveLength(4));
    fireEvent.click(within(entries()[3]!).getByRole('button', { name: '이 프롬프트 사용' }));
    expect(props.onUsePrompt).toHaveBeenCalledWith('a cat, prompt');

    fireEvent.click(within(entries()[2]!).getByRole('button', { name: '다시 생성 (2 크레딧)' }));
    await waitFor(() => expect(props.onImage).toHaveBeenCalledWith(NEW_IMAGE, 'a cat, image'));
    expect(fakeServer.sent('POST /api/images/{imageId}/regenerate')[0]!.params!.path).toEqual({ imageId: 'asset_1' });

    fireEvent.click(within(entries()[0]!).getByRole('button', { name: '다시 생성 (7 크레딧)' }));
    await waitFor(() => expect(props.onVideo).toHaveBeenCalledWith({ jobId: 'job_v3', status: 'queued', message: '대기열에 등록되었습니다' }));
    expect(fakeServer.sent('POST /api/videos/{jobId}/regenerate')[0]!.params!.path).toEqual({ jobId: 'job_v' });
  });

  it('says why a regenerate was refused', async () => {
    fakeServer.routes.set('POST /api/images/{imageId}/regenerate', () => ({ status: 429, body: { error: 'Too many running jobs', code: 'CONCURRENCY_LIMIT', limit: 4 }, headers: { 'retry-after': '5' } }));
    renderPanel();
    await waitFor(() => expect(entries()).toHaveLength(4));
    fireEvent.click(within(entries()[2]!).getByRole('button', { name: '다시 생성 (2 크레딧)' }));
    expect((await screen.findByRole('alert')).textContent).toBe('동시에 진행할 수 있는 작업이 모두 사용 중입니다. 진행 중인 작업이 끝난 뒤 다시 시도해 주세요.');
  });
});
