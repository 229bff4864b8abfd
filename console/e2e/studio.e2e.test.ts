import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleServer } from './console-server';
import { launchChromium, recordOnFailure, shot } from './browser';

/**
 * The studio page in a real browser against the real server on embedded defaults. The stubs take a
 * second per call (STUB_LATENCY_MS), so the waiting states are there to be seen, and fail image
 * prompts containing FAILIMG (STUB_FAIL).
 */
let server: ConsoleServer;
let browser: Browser;
let base: string;
const IDEA = '비 오는 밤 네온 골목을 걷는 고양이';

beforeAll(async () => {
  server = await ConsoleServer.start('studio', { STUB_LATENCY_MS: '1000', STUB_FAIL: 'image:FAILIMG' });
  base = server.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new user (a new browser context signs in anonymously, with 10 credits) on /studio. */
async function openStudio(name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  recordOnFailure(page, `studio-${name}`);
  await page.goto(`${base}/studio`);
  await page.getByTestId('credits').getByText('10').waitFor();
  return page;
}

async function makePrompt(page: Page, idea = IDEA): Promise<Locator> {
  await page.getByLabel('아이디어', { exact: true }).fill(idea);
  await page.getByRole('button', { name: '프롬프트 만들기 (무료)' }).click();
  const prompt = page.getByLabel('프롬프트 (고쳐 쓸 수 있습니다)');
  await expect.poll(() => prompt.inputValue(), { timeout: 20_000 }).toContain(idea);
  return prompt;
}

/** The image once the browser has fetched and decoded it. */
async function imageLoaded(page: Page): Promise<{ src: string; width: number }> {
  const img = page.getByTestId('studio-image');
  await img.waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLImageElement>('[data-testid="studio-image"]');
    return el?.complete && el.naturalWidth > 0;
  });
  return img.evaluate((el: HTMLImageElement) => ({ src: el.src, width: el.naturalWidth }));
}

/** The page is no wider than the screen: nothing to scroll sideways at phone width. */
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('the studio in a browser', () => {
  it('makes a prompt, an image and a playable video from an idea, then regenerates the image from the history', async () => {
    const page = await openStudio('flow');
    await expect(page.getByTestId('studio-prices').textContent()).resolves.toBe('가격: 프롬프트 무료 · 이미지 1 크레딧 · 영상 5 크레딧');
    await page.getByLabel('스타일').selectOption('cinematic');
    await page.getByLabel('분위기').selectOption('mysterious');
    await page.getByLabel('카메라').selectOption('low-angle');
    await page.getByLabel('화면 비율').selectOption('16:9');
    await expect(page.getByLabel('스타일').locator('option:checked').textContent()).resolves.toBe('시네마틱 (Cinematic)');
    await page.getByLabel('추가 요청 (선택)').fill('reflections on wet asphalt');
    await page.screenshot({ path: shot('studio-1-idea') });

    const prompt = await makePrompt(page);
    await expect(prompt.inputValue()).resolves.toContain('cinematic film still');
    // The new prompt takes the focus: it is the next thing to read and edit.
    await expect(prompt.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const edited = `${await prompt.inputValue()} A red umbrella in the foreground.`;
    await prompt.fill(edited);

    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/images'));
    await page.getByRole('button', { name: '이미지 생성 (1 크레딧)' }).click();
    await page.getByTestId('image-skeleton').waitFor();
    await page.screenshot({ path: shot('studio-2-image-waiting') });
    expect((await sent).postDataJSON()).toEqual({ prompt: edited, ratio: '16:9' });
    const first = await imageLoaded(page);
    expect(first.width).toBe(1024);
    await page.getByTestId('credits').getByText('9').waitFor();

    await page.getByRole('button', { name: '영상 만들기 (5 크레딧)' }).click();
    await page.getByText('대기열에 등록되었습니다').waitFor();
    await page.getByRole('progressbar', { name: '영상 진행률' }).waitFor();
    await page.getByRole('button', { name: '취소 (크레딧 환불)' }).waitFor();
    await page.getByTestId('credits').getByText('4').waitFor();
    await page.getByTestId('video-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('studio-3-video-queued') });

    const video = page.locator('video');
    await video.waitFor({ timeout: 60_000 });
    // The video really loads: the browser fetched the MP4 and decoded its first frame.
    const played = await video.evaluate((v: HTMLVideoElement) => new Promise<{ readyState: number; duration: number }>((resolve) => {
      const done = () => resolve({ readyState: v.readyState, duration: v.duration });
      if (v.readyState >= 2) return done();
      v.addEventListener('loadeddata', done, { once: true });
      v.addEventListener('error', () => resolve({ readyState: -1, duration: 0 }), { once: true });
      v.preload = 'auto';
      v.load();
    }));
    expect(played.readyState).toBeGreaterThanOrEqual(2);
    expect(played.duration).toBeGreaterThan(0);
    const src = await video.getAttribute('src');
    await expect(page.getByRole('link', { name: '영상 다운로드' }).getAttribute('href')).resolves.toBe(src);
    await page.getByTestId('credits').getByText('4').waitFor();
    await page.screenshot({ path: shot('studio-4-video'), fullPage: true });

    const history = page.getByTestId('history');
    for (const type of ['prompt', 'image', 'video']) await history.locator(`li[data-type="${type}"]`).first().waitFor();
    await page.getByRole('group', { name: '기록 종류' }).getByRole('button', { name: '이미지' }).click();
    await expect.poll(() => history.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')))).toEqual(['image']);
    await history.getByRole('button', { name: '다시 생성 (1 크레딧)' }).click();
    await expect.poll(async () => (await imageLoaded(page)).src, { timeout: 30_000 }).not.toBe(first.src);
    await page.getByTestId('credits').getByText('3').waitFor();
    await expect.poll(() => history.locator('li[data-type="image"]').count()).toBe(2);
    await page.screenshot({ path: shot('studio-5-history'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    await expect(noSidewaysScroll(page)).resolves.toBe(true);
    await page.screenshot({ path: shot('studio-6-phone'), fullPage: true });
    await page.context().close();
  }, 120_000);

  it('explains a refused idea, a failed image and missing credits in words, and refunds a cancelled video', async () => {
    const page = await openStudio('errors');
    await page.getByLabel('아이디어', { exact: true }).fill('an explicit gore scene');
    await page.getByRole('button', { name: '프롬프트 만들기 (무료)' }).click();
    await page.getByRole('alert').getByText('콘텐츠 정책에 따라 거절되었습니다 (폭력)', { exact: false }).waitFor();

    const prompt = await makePrompt(page);
    const good = await prompt.inputValue();
    await prompt.fill(`${good} FAILIMG`);
    await page.getByRole('button', { name: '이미지 생성 (1 크레딧)' }).click();
    await page.getByRole('alert').getByText('만들지 못했습니다. 크레딧은 차감되지 않았습니다.', { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByTestId('credits').getByText('10').waitFor();
    await page.screenshot({ path: shot('studio-7-failed') });

    await prompt.fill(good);
    await page.getByRole('button', { name: '이미지 생성 (1 크레딧)' }).click();
    await imageLoaded(page);
    // The longest video: the most time to cancel it before it is made.
    await page.getByLabel('12초').check();
    await page.getByRole('button', { name: '영상 만들기 (5 크레딧)' }).click();
    await page.getByRole('button', { name: '취소 (크레딧 환불)' }).click();
    await page.getByText('취소했습니다. 사용한 크레딧은 돌려드렸습니다.').waitFor();
    await page.getByTestId('credits').getByText('9').waitFor();
    await page.screenshot({ path: shot('studio-8-cancelled') });

    await page.getByRole('button', { name: '영상 만들기 (5 크레딧)' }).click();
    await page.getByTestId('credits').getByText('4').waitFor();
    await page.getByRole('button', { name: '영상 만들기 (5 크레딧)' }).click();
    await page.getByRole('alert').getByText('크레딧이 부족합니다: 5 크레딧이 필요하고 4 크레딧이 남아 있습니다.').waitFor();
    await page.context().close();
  }, 90_000);

  it('works by keyboard alone, at phone width, in English', async () => {
    const page = await openStudio('keyboard', { width: 375, height: 812 });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Make the prompt (free)' }).waitFor();
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return `${el?.tagName.toLowerCase()}:${el?.getAttribute('type') ?? ''}:${el?.textContent?.trim() ?? ''}`;
    });
    const tabTo = async (wanted: (f: string) => boolean) => {
      for (let i = 0; i < 40 && !wanted(await focused()); i++) await page.keyboard.press('Tab');
      expect(wanted(await focused())).toBe(true);
    };

    await page.locator('body').focus();
    await tabTo((f) => f.startsWith('textarea'));
    await page.keyboard.type('a lighthouse in a storm');
    await page.keyboard.press('Tab');
    // Choose a style with the arrow keys, as a keyboard user does in a closed select.
    await page.keyboard.press('ArrowDown');
    await expect(page.getByLabel('Style').inputValue()).resolves.toBe('cinematic');
    await tabTo((f) => f === 'button:submit:Make the prompt (free)');
    await page.keyboard.press('Enter');

    const prompt = page.getByLabel('Prompt (you can edit it)');
    await expect.poll(() => prompt.inputValue(), { timeout: 20_000 }).toContain('a lighthouse in a storm');
    await expect(prompt.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('button:submit:Generate the image (1 credit)');
    await page.keyboard.press('Enter');
    await imageLoaded(page);
    await page.getByTestId('credits').getByText('9').waitFor();
    await expect(noSidewaysScroll(page)).resolves.toBe(true);
    await page.screenshot({ path: shot('studio-9-keyboard-phone'), fullPage: true });
    await page.context().close();
  }, 60_000);
});
