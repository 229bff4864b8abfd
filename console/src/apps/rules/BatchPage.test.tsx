import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchPage } from './BatchPage';
import { batchJob, fail, fakeServer, ME, ok, PRESETS, RULE } from './fake-server';
import type { UploadGrant } from './rules-api';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));
// The uploads: each reports half, then ends as the test says (a reason rejects it).
const uploads = vi.hoisted(() => ({ sent: [] as { grant: UploadGrant; name: string }[], refuse: new Set<string>() }));
vi.mock('./batch-upload', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  putPhoto: async (grant: UploadGrant, file: File, onProgress: (f: number) => void) => {
    uploads.sent.push({ grant, name: file.name });
    onProgress(0.5);
    await new Promise((r) => setTimeout(r, 5));
    if (uploads.refuse.has(file.name)) throw new Error('This upload URL has expired');
    onProgress(1);
  },
}));

const grant = (index: number, mime = 'image/jpeg'): UploadGrant => ({ index, method: 'PUT', upload_url: `http://x/storage/put/${index}`, headers: { 'Content-Type': mime }, max_bytes: 10 });
const photo = (name: string, type = 'image/jpeg', bytes = 10) => new File([new Uint8Array(bytes)], name, { type });
let job = batchJob('uploaded', 2);

beforeEach(() => {
  fakeServer.reset();
  uploads.sent.length = 0;
  uploads.refuse.clear();
  job = batchJob('uploaded', 2);
  fakeServer.routes.set('GET /s3/me', () => ok(ME));
  fakeServer.routes.set('GET /s3/presets', () => ok(PRESETS));
  fakeServer.routes.set('GET /s3/rules', () => ok([RULE]));
  fakeServer.routes.set('POST /s3/jobs', () => ok({ job: batchJob('created', 2), uploads: [grant(0), grant(1, 'image/png')], expires_at: '2026-12-02T09:30:00.000Z' }, 201));
  fakeServer.routes.set('POST /s3/jobs/{id}/confirm-upload', () => ok(job));
  fakeServer.routes.set('POST /s3/jobs/{id}/execute', () => {
    job = batchJob('queued', 2);
    return ok(job);
  });
  fakeServer.routes.set('GET /s3/jobs/{id}', () => ok(job));
});
afterEach(cleanup);

async function pick(...files: File[]) {
  fireEvent.change(await screen.findByLabelText('사진 고르기 (JPEG, PNG, WebP)'), { target: { files } });
}
const start = (n: number) => fireEvent.click(screen.getByRole('button', { name: `업로드하고 실행 (${n} 크레딧)` }));

describe('BatchPage', () => {
  it('uploads each photo with its own headers and progress, runs the rule and shows each result beside its original', async () => {
    renderWith(<BatchPage />);
    const source = (await screen.findByLabelText('적용할 규칙')) as HTMLSelectElement;
    expect([...source.options].map((o) => o.value)).toEqual(['rule:rec_1', 'preset:food', 'preset:profile-portrait']);
    fireEvent.change(source, { target: { value: 'preset:food' } });
    expect(screen.getByTestId('batch-limit').textContent).toBe('이 요금제(free)는 한 작업에 사진 3장까지 넣을 수 있습니다.');
    await pick(photo('a.jpg', 'image/jpeg', 10), photo('b.png', 'image/png', 20));
    expect(screen.getByTestId('batch-cost').textContent).toBe('필요한 크레딧: 2 (사진 한 장에 1 크레딧) · 남은 크레딧: 10');
    start(2);

    await waitFor(() => expect(fakeServer.sent('POST /s3/jobs/{id}/execute')).toHaveLength(1));
    expect(fakeServer.sent('POST /s3/jobs')[0]!.body).toEqual({ preset_id: 'food', image_count: 2, mimes: ['image/jpeg', 'image/png'], sizes: [10, 20] });
    expect(uploads.sent.map((u) => [u.name, u.grant.headers['Content-Type']])).toEqual([['a.jpg', 'image/jpeg'], ['b.png', 'image/png']]);
    expect(fakeServer.sent('POST /s3/jobs/{id}/confirm-upload')[0]!.params?.path).toEqual({ id: 'job_1' });
    const bars = screen.getAllByRole('progressbar') as HTMLProgressElement[];
    expect(bars.map((b) => [b.getAttribute('aria-label'), b.value])).toEqual([['전체 업로드', 1], ['a.jpg 업로드 100%', 1], ['b.png 업로드 100%', 1], ['처리 진행률', 0]]);

    await screen.findByText('상태: 대기열에 등록됨 · 완료 0 · 실패 0 · 전체 2', { exact: false });
    job = batchJob('completed', 2, [
      { status: 'done', output_url: '/files/out/0.webp', output: { mime: 'image/webp', size: 5, width: 1, height: 1 } },
      { status: 'done', output_url: '/files/out/1.webp', output: { mime: 'image/webp', size: 5, width: 1, height: 1 } },
    ]);
    await screen.findByText('모든 사진을 처리했습니다.', {}, { timeout: 3000 });
    const grid = screen.getByTestId('batch-grid');
    expect(within(grid).getByRole('img', { name: '결과 2' }).getAttribute('src')).toBe('/files/out/1.webp');
    expect(within(grid).getByRole('img', { name: '원본 2' }).getAttribute('src')).toBe('/files/in/1.jpg');
    expect(within(grid).getAllByTestId('item-status').map((s) => s.textContent)).toEqual(['완료', '완료']);
    expect(screen.getByRole('button', { name: '결과 모두 ZIP으로 받기' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '작업 취소 (남은 사진 크레딧 환불)' })).toBeNull();
  });

  it('refuses more photos than the plan allows, or a file that is not a photo, before sending anything', async () => {
    renderWith(<BatchPage />);
    await pick(photo('1.jpg'), photo('2.jpg'), photo('3.jpg'), photo('4.jpg'), photo('notes.pdf', 'application/pdf'));
    const problems = screen.getByTestId('batch-problems');
    expect(within(problems).getByText('notes.pdf: JPEG, PNG, WebP 사진만 처리할 수 있습니다.')).toBeTruthy();
    expect(within(problems).getByText('사진을 5장 골랐습니다. 이 요금제는 한 작업에 최대 3장입니다. 2장을 빼 주세요.')).toBeTruthy();
    expect((screen.getByRole('button', { name: '업로드하고 실행 (5 크레딧)' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '삭제: notes.pdf' }));
    fireEvent.click(screen.getByRole('button', { name: '삭제: 4.jpg' }));
    expect(screen.queryByTestId('batch-problems')).toBeNull();
    expect((screen.getByRole('button', { name: '업로드하고 실행 (3 크레딧)' }) as HTMLButtonElement).disabled).toBe(false);
    expect(fakeServer.sent('POST /s3/jobs')).toHaveLength(0);
  });

  it('names the photos confirm-upload refused, and sends only those again', async () => {
    const replies = [fail(400, 'INVALID_REQUEST', 'Upload not complete', { missing: [1], invalid: [{ index: 0, reason: 'not a readable JPEG, PNG or WebP image' }] })];
    fakeServer.routes.set('POST /s3/jobs/{id}/confirm-upload', () => replies.shift() ?? ok(job));
    uploads.refuse.add('b.png');
    renderWith(<BatchPage />);
    await pick(photo('a.jpg'), photo('b.png', 'image/png'));
    start(2);
    const rejected = await screen.findByTestId('batch-rejected');
    expect([...rejected.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'a.jpg: not a readable JPEG, PNG or WebP image', 'b.png: 서버에 도착하지 않았습니다.',
    ]);
    expect(fakeServer.sent('POST /s3/jobs/{id}/execute')).toHaveLength(0);
    uploads.refuse.clear();
    fireEvent.click(screen.getByRole('button', { name: '문제 있는 사진 다시 올리기' }));
    await waitFor(() => expect(fakeServer.sent('POST /s3/jobs/{id}/execute')).toHaveLength(1));
    expect(uploads.sent.map((u) => u.grant.index)).toEqual([0, 1, 0, 1]);
    expect(fakeServer.sent('POST /s3/jobs')).toHaveLength(1);
  });

  it('explains a refused run in words and runs it again when asked', async () => {
    const replies = [
      fail(402, 'INSUFFICIENT_CREDITS', 'Not enough credits', { needed: 2, balance: 1 }),
      fail(429, 'CONCURRENCY_LIMIT', 'Too many running jobs', { limit: 1 }, { 'retry-after': '10' }),
      fail(409, 'JOB_WRONG_STATE', 'Job is cancelled', { status: 'cancelled' }),
    ];
    fakeServer.routes.set('POST /s3/jobs/{id}/execute', () => replies.shift()!);
    renderWith(<BatchPage />);
    await pick(photo('a.jpg'), photo('b.jpg'));
    start(2);
    expect((await screen.findByRole('alert')).textContent).toBe('크레딧이 부족합니다: 2 크레딧이 필요하고 1 크레딧이 남아 있습니다. 사진 수를 줄여 다시 실행해 주세요.');
    fireEvent.click(screen.getByRole('button', { name: '다시 실행' }));
    await screen.findByText('동시에 실행할 수 있는 작업(1개)이 모두 사용 중입니다. 진행 중인 작업이 끝나면, 10초 뒤쯤 다시 실행해 주세요.');
    fireEvent.click(screen.getByRole('button', { name: '다시 실행' }));
    await screen.findByText('지금 작업 상태(취소됨)에서는 할 수 없습니다.');
  });

  it('starting over after a refused run cancels the job it made, so it holds no waiting slot', async () => {
    fakeServer.routes.set('POST /s3/jobs/{id}/execute', () => fail(402, 'INSUFFICIENT_CREDITS', 'Not enough credits', { needed: 2, balance: 0 }));
    fakeServer.routes.set('POST /s3/jobs/{id}/cancel', () => ok(batchJob('cancelled', 2)));
    renderWith(<BatchPage />);
    await pick(photo('a.jpg'), photo('b.jpg'));
    start(2);
    await screen.findByRole('alert');
    fireEvent.click(screen.getByRole('button', { name: '새 작업 시작' }));
    await waitFor(() => expect(fakeServer.sent('POST /s3/jobs/{id}/cancel')).toHaveLength(1));
    expect(fakeServer.sent('POST /s3/jobs/{id}/cancel')[0]!.params?.path).toEqual({ id: 'job_1' });
  });

  it('cancels a running batch and says how many credits came back', async () => {
    fakeServer.routes.set('POST /s3/jobs/{id}/cancel', () => ok({ ...batchJob('cancelled', 2, [{ status: 'done', output_url: '/files/out/0.webp' }, { status: 'cancelled' }]), credits: { charged: 2, refunded: 1 } }));
    renderWith(<BatchPage />, 'en');
    fireEvent.change(await screen.findByLabelText('Pick photos (JPEG, PNG, WebP)'), { target: { files: [photo('a.jpg'), photo('b.jpg')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload and run (2 credits)' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel the job (photos left are refunded)' }));
    expect((await screen.findByTestId('batch-refund')).textContent).toBe('Cancelled: 1 credits were refunded.');
    expect(fakeServer.sent('POST /s3/jobs/{id}/cancel')[0]!.params?.path).toEqual({ id: 'job_1' });
    expect(screen.getAllByTestId('item-status').map((s) => s.textContent)).toEqual(['Done', 'Cancelled']);
  });
});
