import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../platform/App';
import { galleryApp } from './app';
import { entity, fail, fakeServer, image, serveCharacter } from './fake-server';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const IMAGES = ['a', 'b', 'c'].map((id, n) => image(id, { is_primary: n === 0 }));

beforeEach(() => {
  fakeServer.reset();
  fakeServer.routes.set('GET /v1/me', () => ({ body: { id: 'usr_1', credits: 10, role: 'user' } }));
});
afterEach(cleanup);

/** The console shell with the gallery app alone, opened at `path`. */
function openAt(path: string, lang: 'ko' | 'en' = 'ko') {
  history.replaceState(null, '', path);
  return renderWith(<App apps={[galleryApp]} />, lang);
}
const grid = () => screen.findByRole('grid', { name: /^갤러리 관리/ });
const items = () => screen.getAllByTestId('gallery-item').map((el) => el.getAttribute('data-id'));
const selected = () => screen.getAllByRole('gridcell').map((c) => c.getAttribute('aria-selected'));
const primarySrc = () => screen.getByTestId('primary-image').getAttribute('src');

describe('an entity’s page', () => {
  it('gives the owner "대표이미지 생성" and the gallery’s controls, each named for its image; the primary cell is the selected one', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await screen.findByRole('heading', { name: '하늘' });
    expect(screen.getByRole('button', { name: '대표이미지 생성' })).toBeTruthy();
    await grid();
    expect(selected()).toEqual(['true', 'false', 'false']);
    for (const action of ['대표 지정', '삭제', '크롭', '위로', '아래로']) expect(screen.getByRole('button', { name: `${action}: 이미지 2` })).toBeTruthy();
    expect((screen.getByRole('button', { name: '대표 지정: 이미지 1' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: '위로: 이미지 1' }) as HTMLButtonElement).disabled).toBe(true);
    expect(primarySrc()).toBe('/media/assets/a?v=0');
  });

  it('shows someone else’s public character with no generate button and no controls, in English too', async () => {
    serveCharacter(entity({ is_owner: false }), IMAGES);
    openAt('/gallery/characters/chr_1', 'en');
    await screen.findByRole('heading', { name: '하늘' });
    await waitFor(() => expect(screen.getAllByTestId('gallery-item')).toHaveLength(3));
    expect(screen.queryByRole('button', { name: 'Generate representative images' })).toBeNull();
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Set as primary|Delete|Crop|Move up|Move down):/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'View larger: image 2' })).toBeTruthy();
    expect(fakeServer.sent('GET /characters/{id}/prompt-prefill')).toHaveLength(0);
  });

  it('changes the primary: the header’s image, the selected cell and the card on /gallery follow at once', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    fireEvent.click(screen.getByRole('button', { name: '대표 지정: 이미지 3' }));
    await waitFor(() => expect(primarySrc()).toBe('/media/assets/c?v=1'));
    await waitFor(() => expect(selected()).toEqual(['false', 'false', 'true']));
    expect(fakeServer.sent('PATCH /characters/{id}/images/{asset_id}/primary')[0]!.params?.path).toEqual({ id: 'chr_1', asset_id: 'c' });
    expect(screen.getByRole('status').textContent).toContain('대표 이미지를 바꿨습니다.');

    fireEvent.click(screen.getByRole('link', { name: '← 갤러리로' }));
    const mine = await screen.findByTestId('my-cards');
    await waitFor(() => expect(within(mine).getByRole('img', { name: '하늘 대표 이미지' }).getAttribute('src')).toBe('/media/assets/c?v=1'));
  });

  it('moves an image with the up/down buttons, sends every id in the new order, and keeps the focus on the moved image', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    fireEvent.click(screen.getByRole('button', { name: '아래로: 이미지 1' }));
    await waitFor(() => expect(items()).toEqual(['b', 'a', 'c']));
    expect(fakeServer.sent('PATCH /characters/{id}/images/order')[0]!.body).toEqual({ ids: ['b', 'a', 'c'] });
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('아래로: 이미지 2'));
    // The primary stays where it went: the cell of a, now second.
    await waitFor(() => expect(selected()).toEqual(['false', 'true', 'false']));
    fireEvent.click(screen.getByRole('button', { name: '위로: 이미지 3' }));
    await waitFor(() => expect(items()).toEqual(['b', 'c', 'a']));
  });

  it('moves along the grid with the arrow keys: across an image’s controls, and to the same control of the next image', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    const crop2 = screen.getByRole('button', { name: '크롭: 이미지 2' });
    crop2.focus();
    fireEvent.keyDown(crop2, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('크롭: 이미지 3');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('위로: 이미지 3');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('위로: 이미지 2');
    // The first image cannot move up: the same row's first control instead.
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('크게 보기: 이미지 1');
  });

  it('rolls a refused order back to the server’s, and says why', async () => {
    serveCharacter(entity(), IMAGES);
    let release = () => {};
    fakeServer.routes.set('PATCH /characters/{id}/images/order', () => new Promise((resolve) => {
      release = () => resolve(fail(400, 'ORDER_MISMATCH', 'ids must list each of this gallery\'s 3 images exactly once'));
    }));
    openAt('/gallery/characters/chr_1');
    await grid();
    fireEvent.click(screen.getByRole('button', { name: '아래로: 이미지 2' }));
    // Shown at once, before the server answers.
    await waitFor(() => expect(items()).toEqual(['a', 'c', 'b']));
    await act(async () => release());
    await waitFor(() => expect(items()).toEqual(['a', 'b', 'c']));
    expect(screen.getByTestId('gallery-error').textContent).toBe('순서를 저장하지 못했습니다. 갤러리가 그 사이 바뀌어 서버의 순서로 되돌렸습니다.');
  });

  it('drags an image onto another’s place', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    const rows = screen.getAllByTestId('gallery-item');
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(rows[2]!, { dataTransfer });
    fireEvent.dragOver(rows[0]!, { dataTransfer });
    fireEvent.drop(rows[0]!, { dataTransfer });
    await waitFor(() => expect(items()).toEqual(['c', 'a', 'b']));
    expect(fakeServer.sent('PATCH /characters/{id}/images/order')[0]!.body).toEqual({ ids: ['c', 'a', 'b'] });
  });

  it('deletes the primary after asking; the first image takes over in the header', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    fireEvent.click(screen.getByRole('button', { name: '삭제: 이미지 1' }));
    screen.getByText('이미지 1을(를) 삭제할까요?');
    fireEvent.click(screen.getByRole('button', { name: '삭제하기' }));
    await waitFor(() => expect(items()).toEqual(['b', 'c']));
    await waitFor(() => expect(primarySrc()).toBe('/media/assets/b?v=1'));
    expect(selected()).toEqual(['true', 'false']);
    expect(screen.getByRole('heading', { name: '갤러리 (2)' })).toBeTruthy();
  });

  it('shows six images until "더 보기", and opens one larger: arrows move, Esc closes', async () => {
    serveCharacter(entity({ is_owner: false }), Array.from({ length: 8 }, (_, n) => image(`i${n}`, { is_primary: n === 0 })));
    openAt('/gallery/characters/chr_1');
    await screen.findByRole('heading', { name: '갤러리 (8)' });
    await waitFor(() => expect(screen.getAllByTestId('gallery-item')).toHaveLength(6));
    fireEvent.click(screen.getByRole('button', { name: '더 보기 (2장 더)' }));
    expect(screen.getAllByTestId('gallery-item')).toHaveLength(8);

    fireEvent.click(screen.getByRole('button', { name: '크게 보기: 이미지 8' }));
    const viewer = screen.getByRole('dialog', { name: '이미지 8 / 8' });
    fireEvent.keyDown(viewer, { key: 'ArrowRight' });
    expect(screen.getByRole('dialog', { name: '이미지 1 / 8' })).toBeTruthy();
    expect(screen.getByTestId('viewer-image').getAttribute('src')).toBe('/media/assets/i0');
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'ArrowLeft' });
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'ArrowLeft' });
    expect(screen.getByRole('dialog', { name: '이미지 7 / 8' })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('crops with the keyboard and sends the box in the source image’s pixels', async () => {
    serveCharacter(entity(), IMAGES);
    openAt('/gallery/characters/chr_1');
    await grid();
    fireEvent.click(screen.getByRole('button', { name: '크롭: 이미지 2' }));
    const box = screen.getByRole('group', { name: '크롭 영역' });
    // 768x1024: the middle 80% first; arrows move by 2% (15 and 20 px), Shift+arrows resize.
    expect(screen.getByTestId('crop-size').textContent).toBe('원본 기준 x 77, y 103, 614×819px');
    fireEvent.keyDown(box, { key: 'ArrowLeft' });
    fireEvent.keyDown(box, { key: 'ArrowUp', shiftKey: true });
    fireEvent.keyDown(box, { key: 'ArrowLeft', shiftKey: true });
    expect(screen.getByTestId('crop-size').textContent).toBe('원본 기준 x 62, y 103, 599×799px');
    fireEvent.click(screen.getByRole('button', { name: '크롭 저장' }));
    await waitFor(() => expect(items()).toEqual(['a', 'b', 'crop_4', 'c']));
    expect(fakeServer.sent('POST /characters/{id}/images/{asset_id}/crop')[0]!.body).toEqual({ x: 62, y: 103, width: 599, height: 799 });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('크롭한 이미지를 원본 바로 뒤에 추가했습니다.');
  });

  it('says a private entity of someone else’s cannot be found', async () => {
    fakeServer.routes.set('GET /characters/{id}', () => fail(404, 'ENTITY_NOT_FOUND', 'No such character'));
    openAt('/gallery/characters/chr_x');
    expect((await screen.findByRole('alert')).textContent).toBe('찾을 수 없습니다. 비공개이거나 삭제되었습니다.');
  });
});
