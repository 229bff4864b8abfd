import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completedPlan, fail, fakeServer, RENDERED, renderedPlan, renderOf, reviewPlan, serveCharacter, servePlans } from './fake-server';
import type { MvPlan } from './mv-api';
import { MvJobPage } from './MvJobPage';
import { RenderPanel } from './RenderPanel';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const POLL = 20;
const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));
const STARTED = { body: { job_id: 'job_1', render_job_id: 'job_r1', status: 'running' } };

/** GET /mv/jobs/{job_id} answers whatever `plan.now` is. */
function servePlan(first: MvPlan) {
  servePlans(first);
  const plan = { now: first };
  fakeServer.routes.set('GET /mv/jobs/{job_id}', () => ({ body: plan.now }));
  return plan;
}

beforeEach(() => {
  fakeServer.reset();
  history.replaceState(null, '', '/safetymv/job_1');
});
afterEach(cleanup);

describe('the render of a completed plan', () => {
  it('is priced from the options and the media plan, and says why it cannot start yet', async () => {
    servePlans(completedPlan());
    serveCharacter('submitted');
    renderWith(<MvJobPage id="job_1" pollMs={10_000} />);
    const button = await screen.findByRole('button', { name: '뮤직비디오 만들기 (5 크레딧)' });
    expect(screen.getByTestId('mv-render-price').textContent).toBe('가격: 5 크레딧 (클립 3개 × 1 + 음악 2)');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('mv-render-why').textContent).toBe('캐릭터 이미지가 준비되면 만들 수 있습니다.');
    expect(button.getAttribute('aria-describedby')).toBe('mv-render-why');
    cleanup();

    servePlans(completedPlan());
    serveCharacter('failed');
    renderWith(<MvJobPage id="job_1" pollMs={10_000} />);
    await waitFor(() => expect(screen.getByTestId('mv-render-why').textContent).toBe('캐릭터 이미지를 만들지 못해 이 설계로는 뮤직비디오를 만들 수 없습니다. 새 작업을 만들어 주세요.'));
    expect((screen.getByRole('button', { name: /뮤직비디오 만들기/ }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();

    // Shown on its own for a plan not completed: the plan's reason, and the character is not asked.
    fakeServer.reset();
    servePlans(reviewPlan());
    renderWith(<RenderPanel plan={reviewPlan()} pollMs={10_000} />);
    expect((await screen.findByTestId('mv-render-why')).textContent).toBe('설계가 끝나면 만들 수 있습니다.');
    expect(fakeServer.sent('GET /mv/jobs/{job_id}/character')).toHaveLength(0);
    expect(fakeServer.sent('POST /mv/jobs/{job_id}/render')).toHaveLength(0);
  });

  it('starts, shows the progress while it runs, then the video with the lyrics track, and stops reading', async () => {
    const plan = servePlan(renderedPlan(null));
    serveCharacter();
    fakeServer.routes.set('POST /mv/jobs/{job_id}/render', () => {
      plan.now = renderedPlan(renderOf({ progress: 0.4, clips_done: 1 }));
      return { status: 202, ...STARTED };
    });
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    const start = await screen.findByRole('button', { name: '뮤직비디오 만들기 (5 크레딧)' });
    await waitFor(() => expect((start as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('mv-render-why')).toBeNull();
    fireEvent.click(start);

    const bar = await screen.findByRole('progressbar', { name: '렌더링 진행률' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('40'));
    expect(screen.getByTestId('mv-render-counts').textContent).toBe('클립 1/3, 음악 …');
    expect(fakeServer.sent('POST /mv/jobs/{job_id}/render')[0]!.params?.path).toEqual({ job_id: 'job_1' });
    expect(screen.queryByRole('button', { name: /뮤직비디오 만들기/ })).toBeNull();

    plan.now = renderedPlan(renderOf({ progress: 0.9, clips_done: 3, music_done: true }));
    await waitFor(() => expect(screen.getByTestId('mv-render-counts').textContent).toBe('클립 3/3, 음악 ✓'));
    expect(screen.getByRole('progressbar', { name: '렌더링 진행률' }).getAttribute('aria-valuenow')).toBe('90');

    plan.now = renderedPlan(RENDERED);
    const video = await screen.findByTestId('mv-video');
    expect(video.tagName).toBe('VIDEO');
    expect(video.getAttribute('src')).toBe(RENDERED.video_url);
    expect(video.getAttribute('poster')).toBe(RENDERED.poster_url);
    expect(video.hasAttribute('controls')).toBe(true);
    expect(video.hasAttribute('playsinline')).toBe(true);
    // Same-origin URLs: no CORS mode, which would need a CORS answer for the video too.
    expect(video.hasAttribute('crossorigin')).toBe(false);
    const track = video.querySelector('track')!;
    expect([track.getAttribute('kind'), track.getAttribute('srclang'), track.getAttribute('label'), track.getAttribute('src')]).toEqual(['subtitles', 'ko', '가사', RENDERED.subtitles_url]);
    expect(track.hasAttribute('default')).toBe(true);
    const render = screen.getByTestId('mv-render');
    expect(within(render).getByRole('link', { name: 'MP4 내려받기' }).getAttribute('href')).toBe(RENDERED.video_url);
    expect(within(render).getByText('길이 30초')).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: '렌더링 진행률' })).toBeNull();

    const reads = fakeServer.sent('GET /mv/jobs/{job_id}').length;
    await wait(POLL * 6);
    expect(fakeServer.sent('GET /mv/jobs/{job_id}')).toHaveLength(reads);

    // Made again, charged again: the same POST.
    expect(screen.getByText('다시 만들면 크레딧이 다시 차감됩니다.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '다시 만들기 (5 크레딧)' }));
    await screen.findByRole('progressbar', { name: '렌더링 진행률' });
    expect(fakeServer.sent('POST /mv/jobs/{job_id}/render')).toHaveLength(2);
  });

  it('says in words why a render failed, offers to try again, and reads the plan once a render of it already runs', async () => {
    const plan = servePlan(renderedPlan(renderOf({ status: 'failed', progress: 0.5, error: 'Clip 2 was not made', error_code: 'CLIP_MISSING' })));
    serveCharacter();
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect((await screen.findByText(/뮤직비디오를 만들지 못했습니다/)).textContent).toBe('뮤직비디오를 만들지 못했습니다: Clip 2 was not made 크레딧은 환불됩니다.');
    const retry = await screen.findByRole('button', { name: '다시 시도 (5 크레딧)' });
    await waitFor(() => expect((retry as HTMLButtonElement).disabled).toBe(false));
    fakeServer.routes.set('POST /mv/jobs/{job_id}/render', () => {
      plan.now = renderedPlan(renderOf({ job_id: 'job_r2', progress: 0.2 }));
      return fail(409, 'ENTITY_BUSY', 'This plan is already being rendered; wait for it to finish');
    });
    fireEvent.click(retry);
    expect(await screen.findByText('이 설계의 뮤직비디오를 이미 만들고 있습니다. 끝난 뒤 다시 시도해 주세요.')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('progressbar', { name: '렌더링 진행률' }).getAttribute('aria-valuenow')).toBe('20'));
    cleanup();

    servePlan(renderedPlan(renderOf({ status: 'failed', error: 'The render was cancelled', error_code: 'CANCELLED' })));
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect(await screen.findByText('뮤직비디오 만들기가 취소되었습니다. 크레딧은 환불됩니다.')).toBeTruthy();
  });

  it.each([
    [402, 'INSUFFICIENT_CREDITS', 'Needs 5 credits, you have 1', '크레딧이 부족합니다. (Needs 5 credits, you have 1)'],
    [409, 'PLAN_NOT_READY', 'The plan is running', '설계가 아직 끝나지 않아 뮤직비디오를 만들 수 없습니다. 설계가 끝난 뒤 다시 시도해 주세요.'],
    [409, 'CHARACTER_NOT_READY', 'The character image is still being made', '캐릭터 이미지를 아직 만드는 중입니다. 준비되면 다시 시도해 주세요.'],
    [409, 'CHARACTER_FAILED', 'The plan\'s character image failed', '캐릭터 이미지를 만들지 못해 이 설계로는 뮤직비디오를 만들 수 없습니다. 새 작업을 만들어 주세요.'],
  ])('says a %i %s in words', async (status, code, message, words) => {
    servePlans(completedPlan());
    serveCharacter();
    fakeServer.routes.set('POST /mv/jobs/{job_id}/render', () => fail(status, code, message));
    renderWith(<MvJobPage id="job_1" pollMs={10_000} />);
    const start = await screen.findByRole('button', { name: '뮤직비디오 만들기 (5 크레딧)' });
    await waitFor(() => expect((start as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(start);
    expect((await screen.findByRole('alert')).textContent).toBe(words);
    expect(screen.getByRole('button', { name: '뮤직비디오 만들기 (5 크레딧)' })).toBeTruthy();
  });

  it('in English, and with media of another origin fetched with CORS for the track', async () => {
    const cdn = { video_url: 'https://cdn.example/v.mp4?sig=v', poster_url: 'https://cdn.example/p.jpg', subtitles_url: 'https://cdn.example/l.vtt' };
    servePlans(renderedPlan(renderOf({ progress: 0.75, clips_done: 3, music_done: true })), renderedPlan({ ...RENDERED, ...cdn }));
    serveCharacter();
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />, 'en');
    expect((await screen.findByTestId('mv-render-counts')).textContent).toBe('clips 3/3, music ✓');
    const video = await screen.findByTestId('mv-video');
    expect(video.getAttribute('crossorigin')).toBe('anonymous');
    expect(video.querySelector('track')!.getAttribute('label')).toBe('Lyrics');
    expect(screen.getByRole('button', { name: 'Make it again (5 credits)' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download the MP4' })).toBeTruthy();
  });
});
