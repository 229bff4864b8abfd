import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { entity, fail, fakeServer } from './fake-server';
import { GalleryListPage } from './GalleryListPage';
import { renderWith } from './test-kit';

vi.mock('../../platform/api/client', async (importOriginal) => ({ ...(await importOriginal<object>()), api: (await import('./fake-server')).fakeApi }));

const MINE = entity({ avatar_url: '/media/assets/a?v=2', gallery_count: 3 });
const THEIRS = entity({ id: 'chr_2', name: '바다', is_owner: false, avatar_url: null });
const STORY = entity({ id: 'sto_1', entity_type: 'story', name: undefined, title: '달의 검', is_owner: true, is_public: false });

beforeEach(() => {
  fakeServer.reset();
  history.replaceState(null, '', '/gallery');
  fakeServer.routes.set('GET /characters', (req) => ({ body: req.params?.query?.mine === 'true' ? [MINE] : [MINE, THEIRS] }));
  fakeServer.routes.set('GET /stories', (req) => ({ body: req.params?.query?.mine === 'true' ? [STORY] : [] }));
  fakeServer.routes.set('GET /origchats', () => ({ body: [] }));
});
afterEach(cleanup);

describe('/gallery', () => {
  it('shows my characters and the public ones as cards with their primary image, one column on phones and four on desktop', async () => {
    renderWith(<GalleryListPage />);
    const mine = await screen.findByTestId('my-cards');
    const card = within(mine).getByRole('link', { name: /하늘/ });
    expect(card.getAttribute('href')).toBe('/gallery/characters/chr_1');
    expect(within(card).getByRole('img', { name: '하늘 대표 이미지' }).getAttribute('src')).toBe('/media/assets/a?v=2');
    expect(within(card).getByText('이미지 3장')).toBeTruthy();
    expect(mine.className).toContain('grid-cols-1');
    expect(mine.className).toContain('lg:grid-cols-4');
    const pub = await screen.findByTestId('public-cards');
    expect(within(pub).getByText('이미지 없음')).toBeTruthy();
    expect(fakeServer.sent('GET /characters').map((r) => r.params?.query)).toEqual(expect.arrayContaining([{ mine: 'true' }, {}]));
  });

  it('switches collection with the tabs (arrows too) and keeps it in the address', async () => {
    renderWith(<GalleryListPage />);
    const tab = await screen.findByRole('tab', { name: '캐릭터' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(tab, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: '웹소설' }).getAttribute('aria-selected')).toBe('true');
    expect(location.search).toBe('?tab=stories');
    const card = await within(await screen.findByTestId('my-cards')).findByRole('link', { name: /달의 검/ });
    expect(card.getAttribute('href')).toBe('/gallery/stories/sto_1');
    expect(within(card).getByText('비공개')).toBeTruthy();
    expect(screen.getByRole('heading', { name: '새 웹소설 만들기' })).toBeTruthy();
    expect(screen.getByLabelText('제목')).toBeTruthy();
    expect(screen.getByText('공개된 것이 없습니다.')).toBeTruthy();
  });

  it('makes a character from the form (the empty fields left out) and opens its page', async () => {
    fakeServer.routes.set('POST /characters', () => ({ status: 201, body: entity({ id: 'chr_new' }) }));
    renderWith(<GalleryListPage />);
    fireEvent.change(await screen.findByLabelText('이름'), { target: { value: ' 하늘 ' } });
    fireEvent.change(screen.getByLabelText('설명 (선택)'), { target: { value: '은발의 검객 🗡️' } });
    fireEvent.click(screen.getByLabelText('공개 (누구나 보고 갤러리를 볼 수 있음)'));
    fireEvent.click(screen.getByRole('button', { name: '만들기' }));
    await waitFor(() => expect(location.pathname).toBe('/gallery/characters/chr_new'));
    expect(fakeServer.sent('POST /characters')[0]!.body).toEqual({ name: '하늘', description: '은발의 검객 🗡️', is_public: false });
  });

  it('says why a character could not be made', async () => {
    fakeServer.routes.set('POST /characters', () => fail(403, 'ENTITY_LIMIT', 'You have 50 characters, the most your plan allows'));
    renderWith(<GalleryListPage />);
    fireEvent.change(await screen.findByLabelText('이름'), { target: { value: '하늘' } });
    fireEvent.click(screen.getByRole('button', { name: '만들기' }));
    expect((await screen.findByRole('alert')).textContent).toBe('더 만들 수 없습니다: 이 종류를 만들 수 있는 한도에 닿았습니다.');
  });
});
