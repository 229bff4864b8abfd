import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleServer } from './console-server';
import { makeImage } from '../../server/src/testing/fixtures';
import { launchChromium, recordOnFailure, shot } from './browser';

/**
 * The rules app's pages in a real browser against the real server on embedded defaults, whose
 * in-process GPU worker runs the batches. A new user has 8 credits (SIGNUP_CREDITS), so a third
 * batch runs out; the stub AI operations take three seconds each (STUB_LATENCY_MS), so a batch
 * with an upscale is still running when it is cancelled.
 */
let server: ConsoleServer;
let browser: Browser;
let base: string;
/** Real JPEGs made with sharp: eleven, one more than the free plan takes in a job. */
let photos: string[];
const RULE_NAME = '우리 매물 사진';

beforeAll(async () => {
  server = await ConsoleServer.start('rules', { STUB_LATENCY_MS: '3000', SIGNUP_CREDITS: '8' });
  base = server.base;
  photos = await Promise.all(Array.from({ length: 11 }, async (_, i) => {
    const file = path.join(server.dataDir, `room-${i + 1}.jpg`);
    writeFileSync(file, await makeImage('image/jpeg', i + 1, 640));
    return file;
  }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The page is no wider than the screen: nothing to scroll sideways at phone width. */
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
/** The "after" picture's pixels, to see the preview change. */
const afterPixels = (page: Page) => page.getByTestId('preview-after').evaluate((c: HTMLCanvasElement) => c.toDataURL());

let page: Page;

describe('the rules app in a browser', () => {
  it('saves a rule from a preset, edits it and sees the preview change', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    recordOnFailure(page, 'rules');
    await page.goto(base);
    await page.getByTestId('credits').getByText('8').waitFor();
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '사진 규칙' }).click();
    await page.waitForURL(/\/rules$/);
    await expect.poll(() => page.getByTestId('rule-slots').textContent()).toBe('규칙 슬롯: 0 / 2 사용 중');

    await page.getByRole('button', { name: '이 프리셋으로 시작: 부동산 사진' }).click();
    await expect(page.getByLabel('규칙 이름').inputValue()).resolves.toBe('부동산 사진');
    await page.getByLabel('규칙 이름').fill(RULE_NAME);
    await page.getByTestId('preview-notes').getByText('결과 크기: 약 1067×800px').waitFor();
    await page.screenshot({ path: shot('rules-1-preset'), fullPage: true });
    await page.getByRole('button', { name: '규칙 저장' }).click();
    await page.getByText(`"${RULE_NAME}" 규칙을 저장했습니다.`).waitFor();
    await expect.poll(() => page.getByTestId('rule-slots').textContent()).toBe('규칙 슬롯: 1 / 2 사용 중');

    await page.getByRole('button', { name: `편집: ${RULE_NAME}` }).click();
    const before = await afterPixels(page);
    await page.getByLabel('값 (-100 ~ 100)').first().fill('80');
    await expect.poll(() => afterPixels(page)).not.toBe(before);
    const sent = page.waitForRequest((r) => r.method() === 'PUT' && /\/s3\/rules\/rec_/.test(r.url()));
    await page.getByRole('button', { name: '변경 저장' }).click();
    expect(((await sent).postDataJSON() as { operations: { op: string; value?: number }[] }).operations.find((o) => o.op === 'brightness')).toEqual({ op: 'brightness', value: 80 });
    await page.getByText(`"${RULE_NAME}" 규칙을 저장했습니다.`).waitFor();
    await page.screenshot({ path: shot('rules-2-edited'), fullPage: true });
  }, 60_000);

  it('runs the rule over three photos with upload progress, shows each result and downloads them as a ZIP', async () => {
    await page.getByRole('navigation', { name: '사진 규칙 메뉴' }).getByRole('link', { name: '일괄 처리' }).click();
    await page.waitForURL(/\/rules\/batch$/);
    await page.getByLabel('적용할 규칙').selectOption({ label: RULE_NAME });
    await page.getByTestId('batch-limit').getByText('사진 10장까지').waitFor();
    await page.getByLabel('사진 고르기 (JPEG, PNG, WebP)').setInputFiles(photos.slice(0, 3));
    await expect(page.getByTestId('batch-cost').textContent()).resolves.toBe('필요한 크레딧: 3 (사진 한 장에 1 크레딧) · 남은 크레딧: 8');

    const puts = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/storage/put/'));
    await page.getByRole('button', { name: '업로드하고 실행 (3 크레딧)' }).click();
    expect((await puts).headers()['content-type']).toBe('image/jpeg');
    const overall = page.getByRole('progressbar', { name: '전체 업로드' });
    await expect.poll(() => overall.evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
    for (let i = 1; i <= 3; i++) await page.getByRole('progressbar', { name: `room-${i}.jpg 업로드 100%` }).waitFor();

    await page.getByText('모든 사진을 처리했습니다.').waitFor({ timeout: 30_000 });
    const grid = page.getByTestId('batch-grid');
    await expect(grid.getByTestId('item-status').allTextContents()).resolves.toEqual(['완료', '완료', '완료']);
    await expect(page.getByTestId('batch-status').textContent()).resolves.toBe('상태: 완료 · 완료 3 · 실패 0 · 전체 3');
    // Each result is really there: the browser fetched and decoded it, beside its original.
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="batch-grid"] img')).every((img) => img.complete && img.naturalWidth > 0));
    await expect(grid.getByRole('img', { name: '원본 3' }).count()).resolves.toBe(1);
    await page.getByTestId('credits').getByText('5').waitFor();
    await page.screenshot({ path: shot('rules-3-batch-done'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '결과 모두 ZIP으로 받기' }).click();
    const zip = unzipSync(new Uint8Array(readFileSync((await (await download).path())!)));
    expect(Object.keys(zip).sort()).toEqual(['001-room-1.jpg', '002-room-2.jpg', '003-room-3.jpg']);
    for (const bytes of Object.values(zip)) {
      const meta = await sharp(Buffer.from(bytes)).metadata();
      // The rule: 4:3, then at most 2400 wide (enlarged, as sharp does by default).
      expect({ format: meta.format, ratio: meta.width / meta.height }).toEqual({ format: 'jpeg', ratio: 4 / 3 });
    }
  }, 90_000);

  it('cancels a running batch and shows the refund', async () => {
    await page.getByRole('button', { name: '새 작업 시작' }).click();
    await page.getByLabel('적용할 규칙').selectOption({ label: '프로필 사진' });
    await page.getByLabel('사진 고르기 (JPEG, PNG, WebP)').setInputFiles(photos.slice(3, 6));
    await page.getByRole('button', { name: '업로드하고 실행 (3 크레딧)' }).click();
    await page.getByRole('button', { name: '작업 취소 (남은 사진 크레딧 환불)' }).click({ timeout: 30_000 });
    const refund = page.getByTestId('batch-refund');
    await refund.waitFor();
    const refunded = Number(/(\d+) 크레딧을 돌려드렸습니다/.exec((await refund.textContent())!)![1]);
    expect(refunded).toBeGreaterThan(0);
    await expect(page.getByTestId('batch-status').textContent()).resolves.toMatch(/^상태: 취소됨/);
    await page.getByTestId('credits').getByText(String(2 + refunded), { exact: true }).waitFor();
    await page.screenshot({ path: shot('rules-4-cancelled'), fullPage: true });
  }, 60_000);

  it('says in words when there are more photos than the plan allows, or not enough credits', async () => {
    await page.getByRole('button', { name: '새 작업 시작' }).click();
    await page.getByLabel('사진 고르기 (JPEG, PNG, WebP)').setInputFiles(photos);
    await page.getByTestId('batch-problems').getByText('사진을 11장 골랐습니다. 이 요금제는 한 작업에 최대 10장입니다. 1장을 빼 주세요.').waitFor();
    await expect(page.getByRole('button', { name: '업로드하고 실행 (11 크레딧)' }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: shot('rules-5-too-many') });
    await page.getByRole('button', { name: '삭제: room-11.jpg' }).click();
    await page.getByRole('button', { name: '삭제: room-10.jpg' }).click();
    await page.getByRole('button', { name: '업로드하고 실행 (9 크레딧)' }).click();
    const balance = Number(await page.getByTestId('credits').locator('strong').textContent());
    await page.getByRole('alert').getByText(`크레딧이 부족합니다: 9 크레딧이 필요하고 ${balance} 크레딧이 남아 있습니다.`, { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '다시 실행' }).waitFor();
    await page.screenshot({ path: shot('rules-6-no-credits'), fullPage: true });
  }, 60_000);

  it('fits a phone’s width, in English too', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await expect(noSidewaysScroll(page)).resolves.toBe(true);
    await page.getByRole('navigation', { name: '사진 규칙 메뉴' }).getByRole('link', { name: '규칙 만들기' }).click();
    await page.getByRole('button', { name: `편집: ${RULE_NAME}` }).click();
    await expect(noSidewaysScroll(page)).resolves.toBe(true);
    await page.screenshot({ path: shot('rules-7-phone'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Make photo rules' }).waitFor();
    await expect.poll(() => page.getByTestId('rule-slots').textContent()).toBe('Rule slots: 1 of 2 used');
    await page.context().close();
  }, 60_000);
});
