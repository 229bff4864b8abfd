import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completedPlan, fail, fakeServer, REQUEST, reviewPlan, runningPlan, servePlans } from './fake-server';
import { MvJobPage } from './MvJobPage';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const POLL = 20;
const problems = () => screen.queryByTestId('mv-timeline-problems')?.textContent ?? '';
const submitButton = () => screen.getByRole('button', { name: '검토 완료하고 계속' });

beforeEach(() => {
  fakeServer.reset();
  history.replaceState(null, '', '/safetymv/job_1');
  Element.prototype.scrollIntoView = vi.fn();
});
afterEach(cleanup);

describe('the review (hitl_required)', () => {
  it('shows the concepts side by side with their QA, the suggested one chosen', async () => {
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    const cards = await screen.findAllByTestId('mv-concept');
    expect(cards.map((c) => c.getAttribute('data-concept'))).toEqual(['c1', 'c2', 'c3']);
    expect(screen.getByTestId('mv-concepts').className).toContain('grid-cols-1');
    expect(screen.getByTestId('mv-concepts').className).toContain('sm:grid-cols-2');
    const c2 = cards[1]!;
    expect(within(c2).getByText('추천')).toBeTruthy();
    expect(within(c2).getByText('QA 문제 있음 · 수칙 반영 50%')).toBeTruthy();
    expect(within(c2).getByText('장비 이상 징후 발견 시 즉시 중지한다.')).toBeTruthy();
    expect(within(c2).getByText('s2: 보호구 없이 작업함')).toBeTruthy();
    expect(within(c2).getByRole('button', { name: '선택됨' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(cards[0]!).getByText('QA 통과 · 수칙 반영 100%')).toBeTruthy();
    expect(screen.getByRole('heading', { name: '"안전 구호 챌린지" 고치기' })).toBeTruthy();
    expect(screen.getByText('품질 검사에서 문제가 발견되어 검토를 기다립니다.')).toBeTruthy();
  });

  it('shows a gap and an overlap as they are typed, holds the submit back, and sends exactly what was edited', async () => {
    fakeServer.routes.set('POST /mv/jobs/{job_id}/hitl', () => ({ body: { job_id: 'job_1', status: 'running', message: 'ok' } }));
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    fireEvent.click(within((await screen.findAllByTestId('mv-concept'))[0]!).getByRole('button', { name: '이 콘셉트 선택' }));
    expect(screen.getByText('시간표에 문제가 없습니다.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('가사'), { target: { value: '보호구를 쓰자\n오늘도 무사히' } });
    fireEvent.change(screen.getByLabelText('장면 1 끝(초)'), { target: { value: '8' } });
    expect(problems()).toBe('장면 1(끝 8초)과 장면 2(시작 10초) 사이에 빈 곳이 있습니다.');
    expect(submitButton().hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('장면 1 끝(초)'), { target: { value: '12' } });
    expect(problems()).toBe('장면 2(시작 10초)이(가) 장면 1(끝 12초)과 겹칩니다.');
    fireEvent.change(screen.getByLabelText('장면 2 시작(초)'), { target: { value: '12' } });
    expect(problems()).toBe('');
    fireEvent.change(screen.getByLabelText('장면 3 설명'), { target: { value: '모두 함께 보호구를 정리한다' } });
    // The bar draws each scene over the 30 s.
    expect(within(screen.getByTestId('mv-timeline-bar')).getByTitle('장면 1: 0~12초').getAttribute('style')).toContain('left: 0%');
    servePlans(runningPlan({ state: 'LOCK_BLUEPRINT_CORE' }), completedPlan());
    fakeServer.routes.set('GET /mv/jobs/{job_id}/character', () => ({ body: { asset_id: 'chr_1', status: 'submitted', preview_url: null } }));
    fireEvent.click(submitButton());
    await waitFor(() => expect(fakeServer.sent('POST /mv/jobs/{job_id}/hitl')).toHaveLength(1));
    expect(fakeServer.sent('POST /mv/jobs/{job_id}/hitl')[0]!.body).toEqual({
      selected_concept_id: 'c1',
      edited_lyrics: '보호구를 쓰자\n오늘도 무사히',
      edited_mv_script: [
        { start: 0, end: 12, description: '보호구를 착용한다' },
        { start: 12, end: 20, description: '장비를 점검한다' },
        { start: 20, end: 30, description: '모두 함께 보호구를 정리한다' },
      ],
    });
    // Polling resumes and reaches the end.
    await screen.findByTestId('mv-blueprint');
  });

  it('sends only the concept when nothing was edited; adds and removes scenes', async () => {
    fakeServer.routes.set('POST /mv/jobs/{job_id}/hitl', () => ({ body: { job_id: 'job_1', status: 'running', message: 'ok' } }));
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findAllByTestId('mv-concept');
    fireEvent.click(screen.getByRole('button', { name: '장면 추가' }));
    expect(screen.getAllByTestId('mv-scene-row')).toHaveLength(4);
    expect(problems()).toBe('장면 4의 설명이 비어 있습니다.');
    fireEvent.click(screen.getByRole('button', { name: '장면 4 삭제' }));
    expect(problems()).toBe('마지막 장면은 영상 길이 30초에 끝나야 합니다 (지금 25초).');
    fireEvent.click(screen.getByRole('button', { name: '원래대로' }));
    fireEvent.click(submitButton());
    await waitFor(() => expect(fakeServer.sent('POST /mv/jobs/{job_id}/hitl')).toHaveLength(1));
    expect(fakeServer.sent('POST /mv/jobs/{job_id}/hitl')[0]!.body).toEqual({ selected_concept_id: 'c2' });
  });

  it('shows the server\'s refusal in words', async () => {
    fakeServer.routes.set('POST /mv/jobs/{job_id}/hitl', () => fail(400, 'INVALID_MV_SCRIPT', 'edited_mv_script: a gap between scene 1 (ends 8s) and scene 2 (starts 10s)'));
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findAllByTestId('mv-concept');
    fireEvent.change(screen.getByLabelText('가사'), { target: { value: '새 가사' } });
    fireEvent.click(submitButton());
    expect((await screen.findByRole('alert')).textContent).toBe(
      '장면 시간표가 맞지 않습니다: 장면은 0초부터 영상 길이까지 빈 곳이나 겹침 없이 이어져야 하고 각각 2초 이상이어야 합니다. (edited_mv_script: a gap between scene 1 (ends 8s) and scene 2 (starts 10s))',
    );
  });

  it('says why a person is asked from the reason\'s code', async () => {
    const always = reviewPlan();
    always.result!.hitl.reason = 'always';
    servePlans(always);
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    expect((await screen.findByTestId('mv-review-reason')).textContent).toBe('검토 방식이 "항상"이라 사람의 검토를 기다립니다.');
    cleanup();
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />, 'en');
    expect((await screen.findByTestId('mv-review-reason')).textContent).toBe('The quality check found a problem, so it waits for a review.');
  });

  it('checks the scenes against the requested length, not the last scene\'s end', async () => {
    servePlans(reviewPlan({ request: { ...REQUEST, length: '60s', length_seconds: 60 } }));
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findAllByTestId('mv-concept');
    expect(screen.getByText('장면 (총 60초)')).toBeTruthy();
    expect(problems()).toBe('마지막 장면은 영상 길이 60초에 끝나야 합니다 (지금 30초).');
    expect(submitButton().hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('장면 3 끝(초)'), { target: { value: '60' } });
    expect(problems()).toBe('');
  });

  it('holds back blank lyrics', async () => {
    servePlans(reviewPlan());
    renderWith(<MvJobPage id="job_1" pollMs={POLL} />);
    await screen.findAllByTestId('mv-concept');
    fireEvent.change(screen.getByLabelText('가사'), { target: { value: ' \n ' } });
    expect(submitButton().hasAttribute('disabled')).toBe(true);
    expect(screen.getByText('가사가 비어 있습니다. 가사를 쓰거나 원래 가사로 되돌려 주세요.')).toBeTruthy();
  });
});
