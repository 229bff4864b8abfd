import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completedPlan, fail, fakeServer, PAGES, REQUEST, reviewPlan, runningPlan, servePlans } from './fake-server';
import { MvJobPage } from './MvJobPage';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const POLL = 20;
const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

beforeEach(() => {
  fakeServer.reset();
  history.replaceState(null, '', '/safetymv/job_1');
  Element.prototype.scrollIntoView = vi.fn();
});
afterEach(cleanup);

describe('/safetymv/:jobId', () => {
  it('polls while running, shows the steps with the current one marked, and stops at the review', async () => {
    servePlans(runningPlan({ state: 'INIT', state_history: ['INIT'], progress: 0 }), runningPlan(), reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findByText('진행 중');
    const steps = screen.getByRole('list', { name: '진행 단계' });
    expect(within(steps).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['1. 초기화', '2. 콘셉트 생성', '3. 품질 검사', '4. 사람 검토', '5. 설계 확정', '6. 스타일 결합']);
    expect(steps.querySelector('[aria-current="step"]')!.textContent).toBe('1. 초기화');
    await screen.findByText('검토 필요');
    expect(screen.getByRole('list', { name: '진행 단계' }).querySelector('[aria-current="step"]')!.textContent).toBe('4. 사람 검토');
    expect(screen.getByRole('progressbar', { name: '진행률' }).getAttribute('aria-valuenow')).toBe('80');
    const reads = fakeServer.sent('GET /mv/jobs/{job_id}').length;
    expect(reads).toBe(3);
    await wait(POLL * 6);
    expect(fakeServer.sent('GET /mv/jobs/{job_id}').length).toBe(reads);
  });

  it.each([['completed', completedPlan()], ['failed', runningPlan({ status: 'failed', error: 'The language model did not answer', error_code: 'PROVIDER_ERROR' })]])('stops polling once %s', async (_, end) => {
    fakeServer.routes.set('GET /mv/jobs/{job_id}/character', () => ({ body: { asset_id: 'chr_1', status: 'ready', preview_url: '/media/assets/chr_1?sig=x' } }));
    servePlans(runningPlan(), end);
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findByTestId('mv-status');
    await waitFor(() => expect(screen.getByTestId('mv-status').getAttribute('data-status')).toBe(end.status));
    await wait(POLL * 6);
    expect(fakeServer.sent('GET /mv/jobs/{job_id}')).toHaveLength(2);
  });

  it('marks a keyword\'s evidence in its page\'s text: the <mark> is exactly the keyword, on the right page', async () => {
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    fireEvent.click(await screen.findByRole('button', { name: '보호구' }));
    const evidence = await screen.findByTestId('mv-evidence');
    const sources = await within(evidence).findAllByTestId('mv-evidence-source');
    expect(sources).toHaveLength(2);
    expect(sources.map((s) => s.querySelector('mark')!.textContent)).toEqual(['보호구', '보호구']);
    expect(within(sources[0]!).getByText('근거 1: 직접 입력')).toBeTruthy();
    // The second occurrence is marked in the third line, and the whole page is shown around it.
    const second = sources[1]!.querySelector('mark')!;
    expect(second.parentElement!.textContent).toBe(PAGES[0]!.text);
    expect(second.previousSibling!.textContent).toBe(PAGES[0]!.text.slice(0, PAGES[0]!.text.lastIndexOf('보호구')));
    expect(Element.prototype.scrollIntoView).toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: '안전대' }));
    const onPage2 = await within(screen.getByTestId('mv-evidence')).findAllByTestId('mv-evidence-source');
    expect(onPage2.map((s) => s.getAttribute('data-page'))).toEqual(['2']);
    expect(within(onPage2[0]!).getByText('근거 1: p.2')).toBeTruthy();
    expect(onPage2[0]!.querySelector('mark')!.textContent).toBe('안전대');
    expect(fakeServer.sent('GET /mv/jobs/{job_id}/pages')).toHaveLength(1);
    expect(screen.getByTestId('mv-key-points').textContent).toContain('작업 전 보호구를 착용한다.');
    expect(screen.getByTestId('mv-prohibitions').textContent).toContain('안전대 없이 작업하지 않는다.');
  });

  it('shows the completed plan: blueprint, media plan with key variable names only, the character once ready, the render', async () => {
    let character = 0;
    fakeServer.routes.set('GET /mv/jobs/{job_id}/character', () => ({
      body: character++ < 2 ? { asset_id: 'chr_1', status: 'submitted', preview_url: null } : { asset_id: 'chr_1', status: 'ready', preview_url: '/media/assets/chr_1?sig=x' },
    }));
    servePlans(completedPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect((await screen.findByTestId('mv-blueprint-lyrics')).textContent).toBe('고친 가사 한 줄');
    expect(screen.getByText('검토에서 고침')).toBeTruthy();
    expect(within(screen.getByTestId('mv-blueprint-scenes')).getByText('s2 · 10~20초')).toBeTruthy();
    const clips = within(screen.getByTestId('mv-clips')).getAllByRole('row');
    expect(clips).toHaveLength(4);
    expect(clips[1]!.textContent).toBe('s1110초영상: 보호구를 착용한다');
    const plan = screen.getByTestId('mv-media-plan');
    expect(plan.textContent).toContain('API 키 환경 변수: FAL_KEY');
    expect(plan.textContent).toContain('제공자: stub · API 키 필요 없음');
    const skeleton = await screen.findByTestId('mv-character-skeleton');
    expect(skeleton.getAttribute('aria-busy')).toBe('true');
    const img = await screen.findByRole('img', { name: '뮤직비디오 캐릭터 이미지' });
    expect(img.getAttribute('src')).toBe('/media/assets/chr_1?sig=x');
    expect(screen.queryByTestId('mv-character-skeleton')).toBeNull();
    const reads = fakeServer.sent('GET /mv/jobs/{job_id}/character').length;
    expect(reads).toBe(3);
    await wait(POLL * 5);
    expect(fakeServer.sent('GET /mv/jobs/{job_id}/character')).toHaveLength(reads);
    expect(screen.getByRole('heading', { name: '뮤직비디오' })).toBeTruthy();
    expect((screen.getByRole('button', { name: '뮤직비디오 만들기 (5 크레딧)' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByRole('button', { name: '작업 취소' })).toBeNull();
  });

  it('says a character that failed, and a failed job in words with its trace', async () => {
    fakeServer.routes.set('GET /mv/jobs/{job_id}/character', () => ({ body: { asset_id: 'chr_1', status: 'failed', preview_url: null } }));
    servePlans(completedPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect(await screen.findByText('캐릭터 이미지를 만들지 못했습니다. 캐릭터 크레딧은 환불됩니다.')).toBeTruthy();
    cleanup();
    servePlans({ ...reviewPlan(), status: 'failed', error: 'The review was not given within 7 days', error_code: 'REVIEW_TIMEOUT' });
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect((await screen.findByText(/작업이 실패했습니다/)).textContent).toBe('작업이 실패했습니다: The review was not given within 7 days');
    fireEvent.click(screen.getByText('처리 기록 (trace)'));
    expect(screen.getByTestId('mv-trace').textContent).toContain('[QA] c2 flagged');
  });

  it('shows the view\'s trace while the plan has no result yet, without asking the platform', async () => {
    servePlans(runningPlan({ trace: ['[INIT] keywords: 3'] }));
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    fireEvent.click(await screen.findByText('처리 기록 (trace)'));
    expect((await screen.findByTestId('mv-trace')).textContent).toBe('[INIT] keywords: 3');
    // The next read brings the next line.
    servePlans(runningPlan({ trace: ['[INIT] keywords: 3', '[CONCEPT_GEN] 3 concepts'] }));
    await waitFor(() => expect(screen.getByTestId('mv-trace').textContent).toBe('[INIT] keywords: 3[CONCEPT_GEN] 3 concepts'));
    expect(fakeServer.sent('GET /v1/jobs/{id}')).toHaveLength(0);
  });

  it('shows what was asked: length, styles, genre, review mode, the PDF and its pages', async () => {
    servePlans(runningPlan({
      request: { ...REQUEST, length: '60s', length_seconds: 60, selectedStyles: ['minimal', 'pixel-art'], selectedGenres: 'trot', hitl_mode: 'always', pdf: { filename: '안전지침.pdf', pages: 2 } },
    }));
    renderWith(<MvJobPage id="job_1" pollMs={10_000} />);
    const request = await screen.findByTestId('mv-request');
    const field = (name: string) => request.querySelector(`[data-field="${name}"] dd`)!.textContent;
    expect(field('length')).toBe('60초');
    expect(field('styles')).toBe('미니멀, 픽셀 아트');
    expect(field('genre')).toBe('트로트');
    expect(field('review')).toBe('항상 사람이 검토');
    expect(field('source')).toBe('안전지침.pdf (2쪽)');
    cleanup();
    servePlans(runningPlan());
    renderWith(<MvJobPage id="job_1" pollMs={10_000} />, 'en');
    const typed = await screen.findByTestId('mv-request');
    expect(typed.textContent).toBe('Length30 sStylesMinimalGenreK-popReview modeAuto: reviewed when QA finds a problemGuidelinesTyped text');
  });

  it('cancels after asking once', async () => {
    fakeServer.routes.set('POST /v1/jobs/{id}/cancel', () => ({ body: { id: 'job_1', status: 'cancelled' } }));
    servePlans(reviewPlan(), { ...reviewPlan(), status: 'failed', error: 'The job was cancelled', error_code: 'CANCELLED' });
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    fireEvent.click(await screen.findByRole('button', { name: '작업 취소' }));
    const ask = screen.getByRole('alertdialog', { name: '작업 취소' });
    expect(fakeServer.sent('POST /v1/jobs/{id}/cancel')).toHaveLength(0);
    fireEvent.click(within(ask).getByRole('button', { name: '작업 취소' }));
    expect(await screen.findByText('작업이 취소되었습니다. 크레딧은 환불됩니다.')).toBeTruthy();
    expect(fakeServer.sent('POST /v1/jobs/{id}/cancel')[0]!.params?.path).toEqual({ id: 'job_1' });
    expect(screen.queryByRole('button', { name: '작업 취소' })).toBeNull();
  });

  it('says when the job is not there', async () => {
    fakeServer.routes.set('GET /mv/jobs/{job_id}', () => fail(404, 'JOB_NOT_FOUND', 'no such plan job of yours'));
    renderWith(<MvJobPage id="job_x" pollMs={POLL} />);
    expect(await screen.findByText('작업을 찾을 수 없습니다. 내 작업이 아니거나 없는 작업입니다.')).toBeTruthy();
  });
});
