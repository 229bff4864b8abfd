import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, fakeServer, OPTIONS } from './fake-server';
import { MvFormPage } from './MvFormPage';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const pdf = (bytes: number, name = 'guide.pdf', type = 'application/pdf') => new File([new Uint8Array(bytes)], name, { type });

beforeEach(() => {
  fakeServer.reset();
  history.replaceState(null, '', '/safetymv');
  fakeServer.routes.set('GET /mv/options', () => ({ body: OPTIONS }));
  fakeServer.routes.set('GET /v1/jobs', () => ({
    body: {
      jobs: [
        { id: 'job_render', app: 'safetymv', pipeline: 'safetymv.render', status: 'completed', progress: 1, createdAt: '2026-12-03T09:10:00.000Z', updatedAt: '2026-12-03T09:10:00.000Z', finishedAt: null },
        { id: 'job_old', app: 'safetymv', pipeline: 'safetymv.plan', status: 'completed', progress: 1, createdAt: '2026-12-03T09:00:00.000Z', updatedAt: '2026-12-03T09:00:00.000Z', finishedAt: null },
      ],
      nextCursor: null,
    },
  }));
});
afterEach(cleanup);

describe('/safetymv form', () => {
  it('sends typed guidelines with the chosen options and opens the job; the price comes from the options', async () => {
    fakeServer.routes.set('POST /mv/jobs', () => ({ body: { job_id: 'job_new' } }));
    renderWith(<MvFormPage />);
    const text = await screen.findByLabelText('안전 지침');
    expect(screen.getByTestId('mv-price').textContent).toBe('가격: 5 크레딧 (설계 3 + 캐릭터 이미지 2)');
    fireEvent.change(text, { target: { value: '작업 전 보호구를 착용한다.' } });
    expect(screen.getByText('15 / 200자')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('60초'));
    fireEvent.click(screen.getByRole('button', { name: '모던' }));
    fireEvent.change(screen.getByLabelText('장르'), { target: { value: 'hiphop' } });
    fireEvent.change(screen.getByLabelText('추가 요청 (선택)'), { target: { value: '밝게' } });
    fireEvent.change(screen.getByLabelText('언어 모델'), { target: { value: 'gpt-4o' } });
    fireEvent.change(screen.getByLabelText('temperature 값'), { target: { value: '1.2' } });
    fireEvent.click(screen.getByLabelText('항상 사람이 검토'));
    expect(screen.getByLabelText('자동: QA에서 문제가 발견되면 검토')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '설계 시작 (5 크레딧)' }));
    await waitFor(() => expect(location.pathname).toBe('/safetymv/job_new'));
    expect(fakeServer.sent('POST /mv/jobs')[0]!.body).toEqual({
      guidelines: '작업 전 보호구를 착용한다.', length: '60s', selectedStyles: ['minimal', 'modern'], selectedGenres: 'hiphop',
      additionalRequirements: '밝게', llm_model: 'gpt-4o', llm_temperature: 1.2, hitl_mode: 'always',
    });
  });

  it('says what is missing before sending: no guidelines, too long, no style', async () => {
    renderWith(<MvFormPage />);
    const text = await screen.findByLabelText('안전 지침');
    fireEvent.click(screen.getByRole('button', { name: /설계 시작/ }));
    expect((await screen.findAllByRole('alert')).map((a) => a.textContent)).toContain('안전 지침을 입력하거나 PDF를 골라 주세요.');
    fireEvent.change(text, { target: { value: '가'.repeat(201) } });
    expect(screen.getByText('지침이 너무 깁니다: 201자 중 최대 200자까지 쓸 수 있습니다.')).toBeTruthy();
    fireEvent.change(text, { target: { value: '보호구 착용' } });
    fireEvent.click(screen.getByRole('button', { name: '미니멀' }));
    fireEvent.click(screen.getByRole('button', { name: /설계 시작/ }));
    expect(screen.getByText('스타일을 1개 이상 3개 이하로 골라 주세요.')).toBeTruthy();
    // At three styles the others are disabled.
    for (const s of ['미니멀', '모던', '카툰']) fireEvent.click(screen.getByRole('button', { name: s }));
    expect(screen.getByRole('button', { name: '애니메이션' }).hasAttribute('disabled')).toBe(true);
    expect(fakeServer.sent('POST /mv/jobs')).toHaveLength(0);
  });

  it('uploads a PDF as multipart with the fields as strings; a file over the limit is refused in the browser', async () => {
    fakeServer.routes.set('POST /mv/jobs/upload', () => ({ body: { job_id: 'job_pdf' } }));
    renderWith(<MvFormPage />);
    fireEvent.click(await screen.findByLabelText('PDF 올리기'));
    const input = screen.getByLabelText('지침 PDF (최대 1 KB, 100쪽)');
    fireEvent.change(input, { target: { files: [pdf(2048, 'big.pdf')] } });
    expect(screen.getByRole('alert').textContent).toBe('PDF가 너무 큽니다: 2 KB입니다. 최대 1 KB까지 올릴 수 있습니다.');
    fireEvent.click(screen.getByRole('button', { name: /설계 시작/ }));
    expect(fakeServer.sent('POST /mv/jobs/upload')).toHaveLength(0);
    fireEvent.change(input, { target: { files: [pdf(10, 'notes.txt', 'text/plain')] } });
    expect(screen.getByRole('alert').textContent).toBe('PDF 파일만 올릴 수 있습니다 (notes.txt).');
    fireEvent.change(input, { target: { files: [pdf(500)] } });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '모던' }));
    fireEvent.click(screen.getByRole('button', { name: /설계 시작/ }));
    await waitFor(() => expect(location.pathname).toBe('/safetymv/job_pdf'));
    const form = fakeServer.sent('POST /mv/jobs/upload')[0]!.body as FormData;
    expect((form.get('file') as File).name).toBe('guide.pdf');
    expect(form.get('selectedStyles')).toBe('minimal,modern');
    expect(form.get('llm_temperature')).toBe('0.4');
    expect(form.get('hitl_mode')).toBe('auto');
    expect(form.get('guidelines')).toBe('');
  });

  it.each([
    ['PDF_ENCRYPTED', 'PDF에 암호가 걸려 있습니다. 암호를 풀고 다시 저장한 PDF를 올려 주세요.'],
    ['PDF_NO_TEXT', 'PDF에서 글자를 읽을 수 없습니다 (스캔한 이미지만 있는 PDF일 수 있습니다). 글자가 들어 있는 PDF를 올리거나 지침을 글로 입력해 주세요.'],
    ['PDF_TOO_MANY_PAGES', 'PDF의 쪽수가 너무 많습니다. 최대 100쪽까지 올릴 수 있습니다.'],
    ['SOMETHING_NEW', '요청을 처리하지 못했습니다: the server said so'],
  ])('shows the server\'s %s in words beside the form', async (code, words) => {
    fakeServer.routes.set('POST /mv/jobs/upload', () => fail(400, code, 'the server said so'));
    renderWith(<MvFormPage />);
    fireEvent.click(await screen.findByLabelText('PDF 올리기'));
    fireEvent.change(screen.getByLabelText(/지침 PDF/), { target: { files: [pdf(100)] } });
    fireEvent.click(screen.getByRole('button', { name: /설계 시작/ }));
    expect((await screen.findByTestId('mv-submit-error')).textContent).toBe(words);
    expect(location.pathname).toBe('/safetymv');
  });

  it('lists my recent safety MV plans as links to their pages, not their renders', async () => {
    renderWith(<MvFormPage />);
    const list = await screen.findByTestId('mv-recent');
    const link = await within(list).findByRole('link');
    expect(within(list).getAllByRole('link')).toHaveLength(1);
    expect(link.getAttribute('href')).toBe('/safetymv/job_old');
    expect(fakeServer.sent('GET /v1/jobs')[0]!.params?.query).toEqual({ app: 'safetymv', limit: 10 });
  });

  it('speaks English too', async () => {
    renderWith(<MvFormPage />, 'en');
    expect(await screen.findByLabelText('Safety guidelines')).toBeTruthy();
    expect(screen.getByText('Auto: reviewed when QA finds a problem')).toBeTruthy();
  });
});
