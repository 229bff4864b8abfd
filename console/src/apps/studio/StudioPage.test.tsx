import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StudioPage } from './StudioPage';
import { fakeServer, OPTIONS } from './fake-server';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));
// The job's stream: held open until the test lets it send one event and end.
const stream = vi.hoisted(() => ({ release: () => {} }));
vi.mock('../../platform/api/job-events', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  followJob: (_jobId: string, onEvent: () => void) => new Promise<void>((resolve) => {
    stream.release = () => {
      onEvent();
      resolve();
    };
  }),
}));

const PROMPT = '비 오는 밤 네온 골목을 걷는 고양이. cinematic film still';
const IMAGE = { imageId: 'asset_1', imageUrl: '/files/a.png', thumbnailUrl: null, jobId: 'job_img', width: 1024, height: 576 };
const video = { jobId: 'job_vid', status: 'queued', progress: 0, message: '대기열에 등록되었습니다', prompt: PROMPT, imageId: 'asset_1', seconds: 4, size: '1280x720', createdAt: '2026-01-01T00:00:00Z' };

beforeEach(() => {
  fakeServer.reset();
  fakeServer.routes.set('GET /api/studio/options', () => ({ body: OPTIONS }));
  fakeServer.routes.set('GET /api/history', () => ({ body: { items: [], nextCursor: null } }));
  fakeServer.routes.set('POST /api/prompts', () => ({ body: { prompt: PROMPT, jobId: 'job_p' } }));
});
afterEach(cleanup);

const button = (name: string) => screen.findByRole('button', { name });

describe('StudioPage', () => {
  it('shows the server’s prices before any click, and names each choice in Korean with its English term', async () => {
    renderWith(<StudioPage />);
    await button('프롬프트 만들기 (무료)');
    expect(screen.getByTestId('studio-prices').textContent).toBe('가격: 프롬프트 무료 · 이미지 2 크레딧 · 영상 7 크레딧');
    const style = screen.getByRole('combobox', { name: '스타일' }) as HTMLSelectElement;
    expect([...style.options].map((o) => o.textContent)).toEqual(['사실적인 사진 (Photorealistic)', '시네마틱 (Cinematic)']);
    for (const name of ['아이디어', '분위기', '카메라', '화면 비율', '추가 요청 (선택)']) expect(screen.getAllByLabelText(name)).toHaveLength(1);
  });

  it('speaks English when asked', async () => {
    renderWith(<StudioPage />, 'en');
    await button('Make the prompt (free)');
    expect(screen.getByTestId('studio-prices').textContent).toBe('Prices: prompt free · image 2 credits · video 7 credits');
  });

  it('goes from the idea to an edited prompt, an image (a placeholder while it is made) and a video that plays', async () => {
    let finishImage: (r: { body: unknown }) => void = () => {};
    fakeServer.routes.set('POST /api/images', () => new Promise((resolve) => (finishImage = resolve)));
    fakeServer.routes.set('POST /api/videos', () => ({ status: 202, body: { jobId: 'job_vid', status: 'queued', message: '대기열에 등록되었습니다' } }));
    fakeServer.routes.set('GET /api/videos/{jobId}', () => ({ body: { ...video } }));
    renderWith(<StudioPage />);

    fireEvent.change(await screen.findByLabelText('아이디어'), { target: { value: '  비 오는 밤 네온 골목을 걷는 고양이 ' } });
    fireEvent.change(screen.getByLabelText('화면 비율'), { target: { value: '16:9' } });
    fireEvent.click(await button('프롬프트 만들기 (무료)'));
    const prompt = (await screen.findByLabelText('프롬프트 (고쳐 쓸 수 있습니다)')) as HTMLTextAreaElement;
    expect(fakeServer.sent('POST /api/prompts')[0]!.body).toEqual({ idea: '비 오는 밤 네온 골목을 걷는 고양이', style: 'photorealistic', mood: 'warm', camera: 'wide-shot', ratio: '16:9' });
    expect(prompt.value).toBe(PROMPT);
    await waitFor(() => expect(document.activeElement).toBe(prompt));

    fireEvent.change(prompt, { target: { value: `${PROMPT}, red umbrella` } });
    fireEvent.click(await button('이미지 생성 (2 크레딧)'));
    expect((await screen.findByTestId('image-skeleton')).style.aspectRatio).toBe('16 / 9');
    expect(fakeServer.sent('POST /api/images')[0]!.body).toEqual({ prompt: `${PROMPT}, red umbrella`, ratio: '16:9' });
    await act(async () => finishImage({ body: IMAGE }));
    expect(((await screen.findByRole('img', { name: '생성된 이미지' })) as HTMLImageElement).getAttribute('src')).toBe('/files/a.png');
    expect(screen.queryByTestId('image-skeleton')).toBeNull();

    fireEvent.click(screen.getByLabelText('8초'));
    fireEvent.click(await button('영상 만들기 (7 크레딧)'));
    await screen.findByText('대기열에 등록되었습니다');
    expect(fakeServer.sent('POST /api/videos')[0]!.body).toEqual({ prompt: `${PROMPT}, red umbrella`, imageId: 'asset_1', seconds: 8 });
    expect(screen.getByTestId('video-status').textContent).toBe('대기 중 · 0%');
    expect(screen.getByRole('button', { name: '취소 (크레딧 환불)' })).toBeTruthy();

    // Each event of the job's stream reads the video again.
    Object.assign(video, { status: 'in_progress', progress: 40, message: undefined });
    await act(async () => stream.release());
    await waitFor(() => expect((screen.getByRole('progressbar', { name: '영상 진행률' }) as HTMLProgressElement).value).toBe(40));
    expect(screen.getByTestId('video-status').textContent).toBe('만드는 중 · 40%');
    // The stream ended before the last read: the page polls until the job has ended.
    Object.assign(video, { status: 'completed', progress: 100, videoUrl: '/files/v.mp4', thumbnailUrl: '/files/v.jpg' });
    const player = await screen.findByLabelText('만든 영상', {}, { timeout: 3000 });
    expect(player.getAttribute('src')).toBe('/files/v.mp4');
    expect(screen.getByRole('link', { name: '영상 다운로드' }).getAttribute('href')).toBe('/files/v.mp4');
    expect(screen.queryByRole('button', { name: '취소 (크레딧 환불)' })).toBeNull();
  });

  it('cancels a running video and says its credits came back', async () => {
    fakeServer.routes.set('POST /api/images', () => ({ body: IMAGE }));
    fakeServer.routes.set('POST /api/videos', () => ({ status: 202, body: { jobId: 'job_vid', status: 'queued', message: '대기열에 등록되었습니다' } }));
    fakeServer.routes.set('GET /api/videos/{jobId}', () => ({ body: { ...video, status: 'in_progress', progress: 5 } }));
    fakeServer.routes.set('POST /api/videos/{jobId}/cancel', () => ({ body: { jobId: 'job_vid', status: 'cancelled', refunded: 7 } }));
    renderWith(<StudioPage />);
    fireEvent.change(await screen.findByLabelText('아이디어'), { target: { value: '고양이' } });
    fireEvent.click(await button('프롬프트 만들기 (무료)'));
    fireEvent.click(await button('이미지 생성 (2 크레딧)'));
    fireEvent.click(await button('영상 만들기 (7 크레딧)'));
    fireEvent.click(await button('취소 (크레딧 환불)'));
    await screen.findByText('취소했습니다. 사용한 크레딧은 돌려드렸습니다.');
    expect(fakeServer.sent('POST /api/videos/{jobId}/cancel')[0]!.params?.path).toEqual({ jobId: 'job_vid' });
  });

  it('explains refusals, limits and missing credits in words, with the wait Retry-After gives', async () => {
    const replies = [
      { status: 400, body: { error: 'The prompt was refused', code: 'PROMPT_REFUSED', categories: ['violence/graphic', 'self_harm'] } },
      { status: 429, body: { error: 'Too many requests', code: 'RATE_LIMITED', limit: 20 }, headers: { 'retry-after': '42' } },
    ];
    fakeServer.routes.set('POST /api/prompts', () => replies.shift() ?? { body: { prompt: PROMPT, jobId: 'job_p' } });
    fakeServer.routes.set('POST /api/images', () => ({ status: 402, body: { error: 'Not enough credits', code: 'INSUFFICIENT_CREDITS', needed: 2, balance: 1 } }));
    renderWith(<StudioPage />);
    fireEvent.change(await screen.findByLabelText('아이디어'), { target: { value: '고양이' } });
    fireEvent.click(await button('프롬프트 만들기 (무료)'));
    expect((await screen.findByRole('alert')).textContent).toBe('콘텐츠 정책에 따라 거절되었습니다 (폭력, 자해). 내용을 바꿔 다시 시도해 주세요. 크레딧은 차감되지 않았습니다.');
    fireEvent.click(await button('프롬프트 만들기 (무료)'));
    await screen.findByText('요청이 너무 많습니다. 42초 뒤에 다시 시도해 주세요.');
    fireEvent.click(await button('프롬프트 만들기 (무료)'));
    fireEvent.click(await button('이미지 생성 (2 크레딧)'));
    await screen.findByText('크레딧이 부족합니다: 2 크레딧이 필요하고 1 크레딧이 남아 있습니다.');
  });
});
