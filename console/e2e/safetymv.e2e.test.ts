import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KOREAN_GUIDELINES } from '../../server/src/testing/mv-flow';
import { textPdf } from '../../server/src/testing/pdf-fixtures';
import { ConsoleServer } from './console-server';
import { launchChromium, recordOnFailure, shot } from './browser';

/**
 * The safety MV app (seed 002) in a real browser against the real server on embedded defaults:
 * the stub text provider leaves the concepts to the app's own drafts (c1..c3), the stub image
 * provider makes a real PNG for the character, the stub video and music providers the clips and
 * the song the render joins into an MP4. A new user has 20 credits here (SIGNUP_CREDITS); a plan
 * costs 3 (2 + 1), its render a credit a clip plus 2 for the music.
 */
let server: ConsoleServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tmp: string;
/** The job of the first test, shown again at phone width. */
let reviewedJobUrl: string;

beforeAll(async () => {
  server = await ConsoleServer.start('safetymv', { SIGNUP_CREDITS: '20' });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mf-e2e-safetymv-pdf-'));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const poll = <T>(fn: () => Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout });
const status = () => page.getByTestId('mv-status').getAttribute('data-status');
const noSidewaysScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('the safety MV app in a browser', () => {
  it('plans from typed Korean guidelines with a review: evidence marked, a gap caught, the edits kept, the character shown, then renders it', async () => {
    recordOnFailure(page, 'safetymv-review');
    await page.goto(server.base);
    await page.getByTestId('credits').getByText('20').waitFor();
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '안전 뮤비' }).click();
    await page.waitForURL(/\/safetymv$/);
    await page.getByLabel('안전 지침').fill(KOREAN_GUIDELINES);
    await page.getByText(`${KOREAN_GUIDELINES.length} / 50,000자`).waitFor();
    await page.getByLabel('항상 사람이 검토').check();
    await expect(page.getByTestId('mv-price').textContent()).resolves.toBe('가격: 3 크레딧 (설계 2 + 캐릭터 이미지 1)');
    await page.screenshot({ path: shot('safetymv-1-form'), fullPage: true });
    await page.getByRole('button', { name: '설계 시작 (3 크레딧)' }).click();
    await page.waitForURL(/\/safetymv\/job_[0-9a-z]+$/i);
    reviewedJobUrl = page.url();
    await poll(status).toBe('hitl_required');
    await expect(page.locator('[aria-current="step"]').textContent()).resolves.toBe('4. 사람 검토');
    await expect(page.getByRole('progressbar', { name: '진행률' }).getAttribute('aria-valuenow')).resolves.toBe('80');
    // What was asked, and why a person is asked (hitl.reason `always`), in words.
    const request = page.getByTestId('mv-request');
    await expect(request.locator('[data-field="length"] dd').textContent()).resolves.toBe('30초');
    await expect(request.locator('[data-field="review"] dd').textContent()).resolves.toBe('항상 사람이 검토');
    await expect(request.locator('[data-field="source"] dd').textContent()).resolves.toBe('글로 입력');
    await expect(page.getByTestId('mv-review-reason').textContent()).resolves.toBe('검토 방식이 "항상"이라 사람의 검토를 기다립니다.');

    await page.getByRole('button', { name: '보호구', exact: true }).click();
    const first = page.getByTestId('mv-evidence-source').first();
    await expect(first.locator('mark').textContent()).resolves.toBe('보호구');
    await expect(first.locator('figcaption').textContent()).resolves.toBe('근거 1: 직접 입력');
    // The mark sits in the page's whole text, as typed.
    await expect(first.locator('mark').evaluate((m) => m.parentElement!.textContent)).resolves.toBe(KOREAN_GUIDELINES);
    await page.screenshot({ path: shot('safetymv-2-review-evidence'), fullPage: true });

    const c2 = page.locator('[data-concept="c2"]');
    await c2.getByRole('button', { name: /이 콘셉트 선택|선택됨/ }).click();
    await expect(c2.getByRole('button', { name: '선택됨' }).getAttribute('aria-pressed')).resolves.toBe('true');
    const lyrics = '보호구 쓰고 출발\n장비 보고 점검\n안전대 걸고 오늘도 무사히';
    await page.getByLabel('가사').fill(lyrics);
    const end1 = page.getByLabel('장면 1 끝(초)');
    const original = await end1.inputValue();
    await end1.fill(String(Number(original) - 1));
    const problems = page.getByTestId('mv-timeline-problems');
    await expect(problems.textContent()).resolves.toContain(`장면 1(끝 ${Number(original) - 1}초)과 장면 2(시작 ${original}초) 사이에 빈 곳이 있습니다.`);
    const submit = page.getByRole('button', { name: '검토 완료하고 계속' });
    await expect(submit.isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: shot('safetymv-3-review-gap'), fullPage: true });
    await end1.fill(original);
    await page.getByText('시간표에 문제가 없습니다.').waitFor();
    await submit.click();

    await poll(status).toBe('completed');
    await expect(page.getByTestId('mv-blueprint-lyrics').textContent()).resolves.toBe(lyrics);
    await page.getByText('검토에서 고침').waitFor();
    const img = page.getByRole('img', { name: '뮤직비디오 캐릭터 이미지' });
    await img.waitFor({ timeout: 30_000 });
    await poll(() => img.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)).toBe(true);
    await expect(page.getByTestId('mv-clips').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await page.getByTestId('mv-render').waitFor();
    await page.getByTestId('credits').getByText('17').waitFor();
    await page.screenshot({ path: shot('safetymv-4-completed'), fullPage: true });

    // The render: priced a credit a clip plus the music, the progress while it runs, then the video.
    const clips = await page.getByTestId('mv-clips').locator('tbody tr').count();
    const price = clips + 2;
    await expect(page.getByTestId('mv-render-price').textContent()).resolves.toBe(`가격: ${price} 크레딧 (클립 ${clips}개 × 1 + 음악 2)`);
    await page.getByRole('button', { name: `뮤직비디오 만들기 (${price} 크레딧)` }).click();
    await page.getByRole('progressbar', { name: '렌더링 진행률' }).or(page.getByTestId('mv-video')).first().waitFor();
    const video = page.getByTestId('mv-video');
    await video.waitFor({ timeout: 90_000 });
    await page.getByTestId('credits').getByText(String(17 - price)).waitFor();
    // The server's URLs are same-origin paths: the <track> needs no CORS.
    const urls = await video.evaluate((v) => {
      const el = v as HTMLVideoElement;
      return { video: el.currentSrc || el.src, track: el.querySelector('track')!.src, origin: location.origin };
    });
    expect(new URL(urls.video).origin).toBe(urls.origin);
    expect(new URL(urls.track).origin).toBe(urls.origin);
    await poll(() => video.evaluate((v) => (v as HTMLVideoElement).readyState)).toBeGreaterThanOrEqual(1);
    const duration = await video.evaluate((v) => (v as HTMLVideoElement).duration);
    expect(Math.abs(duration - 30)).toBeLessThanOrEqual(0.5);
    await video.evaluate((v) => { (v as HTMLVideoElement).textTracks[0]!.mode = 'showing'; });
    await poll(() => video.evaluate((v) => (v as HTMLVideoElement).textTracks[0]?.cues?.length ?? 0)).toBeGreaterThan(0);
    const track = await video.evaluate((v) => {
      const t = (v as HTMLVideoElement).textTracks[0]!;
      return { kind: t.kind, language: t.language, label: t.label, first: (t.cues![0] as VTTCue).text };
    });
    expect(track).toMatchObject({ kind: 'subtitles', language: 'ko', label: '가사' });
    expect(track.first.length).toBeGreaterThan(0);
    await expect(page.getByRole('link', { name: 'MP4 내려받기' }).evaluate((a) => (a as HTMLAnchorElement).href)).resolves.toBe(urls.video);
    await page.getByRole('button', { name: `다시 만들기 (${price} 크레딧)` }).waitFor();
    await video.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('safetymv-render'), fullPage: true });
  }, 180_000);

  it('plans from an uploaded Korean PDF without a review; a keyword on page 2 shows as p.2', async () => {
    recordOnFailure(page, 'safetymv-pdf');
    const file = path.join(tmp, '안전지침.pdf');
    writeFileSync(file, textPdf([
      ['현장 안전 수칙', '작업 전 보호구를 착용한다.', '장비 이상 징후 발견 시 즉시 중지한다.'],
      ['사다리 위에서는 반드시 안전대를 체결한다.', '사다리 위에서 안전대 없이 작업하지 않는다.'],
    ]));
    await page.getByRole('link', { name: '← 새 작업' }).click();
    await page.waitForURL(/\/safetymv$/);
    // The first job is listed below the form.
    await poll(() => page.getByTestId('mv-recent').getByRole('link').count()).toBe(1);
    await page.getByLabel('PDF 올리기').check();
    await page.getByLabel(/지침 PDF/).setInputFiles(file);
    await page.getByText(/안전지침\.pdf \(\d+ KB\)/).waitFor();
    await page.getByLabel('검토 없이 진행').check();
    await page.getByRole('button', { name: '설계 시작 (3 크레딧)' }).click();
    await page.waitForURL(/\/safetymv\/job_[0-9a-z]+$/i);
    await poll(status).toBe('completed');
    await expect(page.locator('[data-state="HITL"]').getAttribute('data-mark')).resolves.toBe('skipped');
    await expect(page.getByTestId('mv-request').locator('[data-field="source"] dd').textContent()).resolves.toBe('안전지침.pdf (2쪽)');

    await page.getByRole('button', { name: '안전대', exact: true }).click();
    const sources = page.getByTestId('mv-evidence-source');
    await sources.first().waitFor();
    await expect(sources.first().locator('figcaption').textContent()).resolves.toBe('근거 1: p.2');
    const captions = await sources.locator('figcaption').allTextContents();
    expect(captions.every((c) => c.endsWith(': p.2'))).toBe(true);
    await expect(sources.locator('mark').allTextContents()).resolves.toEqual(captions.map(() => '안전대'));
    await page.screenshot({ path: shot('safetymv-5-pdf-evidence'), fullPage: true });
  }, 120_000);

  it('fits a phone: one column, nothing to scroll sideways', async () => {
    recordOnFailure(page, 'safetymv-phone');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(reviewedJobUrl);
    await poll(status).toBe('completed');
    await page.getByRole('img', { name: '뮤직비디오 캐릭터 이미지' }).waitFor();
    await poll(() => noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: shot('safetymv-6-phone-job'), fullPage: true });
    await page.getByRole('link', { name: '← 새 작업' }).click();
    await page.getByLabel('안전 지침').waitFor();
    await poll(() => noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: shot('safetymv-7-phone-form'), fullPage: true });
  }, 60_000);
});
