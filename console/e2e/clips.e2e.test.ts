import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleServer } from './console-server';
import { makeImage } from '../../server/src/testing/fixtures';
import { launchChromium, recordOnFailure, shot } from './browser';

/** The console in a real browser against the real server on embedded defaults. */
let server: ConsoleServer;
let browser: Browser;
let base: string;
let photo: string;

beforeAll(async () => {
  server = await ConsoleServer.start('clips', { STUB_FAIL: 'text:FAILME' });
  base = server.base;
  photo = path.join(server.dataDir, 'me.jpg');
  writeFileSync(photo, await makeImage('image/jpeg', 4, 512));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openConsole(name: string): Promise<{ page: Page; usableMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  recordOnFailure(page, name);
  const start = Date.now();
  await page.goto(base);
  await page.getByTestId('credits').getByText('10').waitFor();
  await page.getByRole('button', { name: '만들기' }).waitFor();
  return { page, usableMs: Date.now() - start };
}

describe('the clips flow in a browser', () => {
  it('uploads a photo, creates a story and plays three clips', async () => {
    const { page, usableMs } = await openConsole('story');
    console.log(`e2e: clips page usable ${usableMs} ms after navigation`);
    await page.screenshot({ path: shot('1-clips-page') });

    await page.getByLabel('사진 선택').setInputFiles(photo);
    await page.getByText('업로드 완료').waitFor();
    await page.getByLabel('스토리 (2 크레딧)').check();
    await expect(page.getByTestId('price').textContent()).resolves.toBe('필요한 크레딧: 2');
    await page.screenshot({ path: shot('2-ready') });
    await page.getByRole('button', { name: '만들기' }).click();

    await page.waitForURL(/\/jobs\/job_/);
    await page.getByTestId('job-status').getByText('완료').waitFor({ timeout: 60_000 });
    await page.getByTestId('credits').getByText('8').waitFor();
    const videos = page.locator('video');
    await expect(videos.count()).resolves.toBe(3);
    // Each video really loads: the browser fetched and decoded the MP4's first frame.
    const ready = await videos.evaluateAll((els) =>
      Promise.all((els as HTMLVideoElement[]).map((v) => new Promise<number>((resolve) => {
        if (v.readyState >= 2) return resolve(v.readyState);
        v.addEventListener('loadeddata', () => resolve(v.readyState), { once: true });
        v.addEventListener('error', () => resolve(-1), { once: true });
        v.preload = 'auto';
        v.load();
      }))),
    );
    expect(ready.every((s) => s >= 2)).toBe(true);
    const posters = await videos.evaluateAll((els) => (els as HTMLVideoElement[]).map((v) => v.poster));
    expect(posters.every((p) => p.includes('/files/jobs/'))).toBe(true);
    await page.screenshot({ path: shot('3-clips'), fullPage: true });
    await page.context().close();
  }, 90_000);

  it('shows why a job failed and that its credits came back', async () => {
    const { page } = await openConsole('failure');
    await page.getByLabel('사진 선택').setInputFiles(photo);
    await page.getByText('업로드 완료').waitFor();
    await page.getByLabel('내 이야기로 다시 쓰기 (+1 크레딧)').check();
    // The stub text provider is told (STUB_FAIL=text:FAILME) to fail prompts containing this word.
    await page.getByLabel('나의 이야기').fill('FAILME 바닷가에서 자랐습니다');
    await page.getByRole('button', { name: '만들기' }).click();
    await page.waitForURL(/\/jobs\/job_/);
    const alert = page.getByRole('alert');
    await alert.getByText('만들지 못했습니다', { exact: false }).waitFor({ timeout: 30_000 });
    await alert.getByText('사용한 크레딧 3개는 돌려드렸습니다.').waitFor();
    await page.getByTestId('credits').getByText('10').waitFor();
    await page.screenshot({ path: shot('6-failed') });
    await page.context().close();
  }, 60_000);

  it('explains the daily limit when a second quick is asked for', async () => {
    const { page } = await openConsole('daily-limit');
    for (let i = 0; i < 2; i++) {
      await page.goto(base);
      await page.getByLabel('사진 선택').setInputFiles(photo);
      await page.getByText('업로드 완료').waitFor();
      await page.getByLabel('퀵 (하루 1회 무료)').check();
      await page.getByRole('button', { name: '만들기' }).click();
      if (i === 0) await page.waitForURL(/\/jobs\/job_/);
    }
    await page.getByRole('alert').getByText('오늘의 무료 퀵은 이미 사용했습니다', { exact: false }).waitFor();
    await page.screenshot({ path: shot('4-daily-limit') });
    await page.context().close();
  }, 60_000);

  it('works by keyboard alone, at phone width, in English', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    recordOnFailure(page, 'keyboard');
    // Listening from the start turns file-chooser interception on before any key can open one.
    page.on('filechooser', () => {});
    await page.goto(base);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('credits').getByText('Credits').waitFor();
    await page.locator('body').focus();
    // Tab to the file input and open it with the keyboard.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'file')) break;
    }
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.toBe('file');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(photo);
    await page.getByText('Uploaded').waitFor();
    // Focus a mode radio by Tab, then move to Story with an arrow key.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio')) break;
    }
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).value)).resolves.toBe('trailer');
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('price').textContent()).resolves.toBe('Credits needed: 2');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('type') === 'submit')) break;
    }
    await page.screenshot({ path: shot('5-keyboard-phone'), fullPage: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/jobs\/job_/);
    await page.getByTestId('job-status').waitFor();
    await context.close();
  }, 60_000);
});
