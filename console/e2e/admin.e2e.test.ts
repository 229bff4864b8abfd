import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleServer } from './console-server';
import { makeImage } from '../../server/src/testing/fixtures';
import { launchChromium, recordOnFailure, shot } from './browser';

/**
 * The admin page in a real browser against the real server on embedded defaults. A user's job
 * fails while the stub text provider is told to fail (STUB_FAIL); the server is then started
 * again on the same data without it (the provider recovered), and an admin retries the job.
 */
let server: ConsoleServer;
let browser: Browser;
let base: string;
let photo: string;
const ADMIN_API_KEY = 'e2e-admin-key-0123456789';
// Kept across the restart: the same admin key, and tokens that stay valid.
const KEYS = { ADMIN_API_KEY, JWT_SECRET: 'e2e-jwt-secret-0123456789abcdef0123456789' };

beforeAll(async () => {
  server = await ConsoleServer.start('admin', { ...KEYS, STUB_FAIL: 'text:FAILME' });
  base = server.base;
  photo = path.join(server.dataDir, 'me.jpg');
  writeFileSync(photo, await makeImage('image/jpeg', 4, 512));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openConsole(name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  recordOnFailure(page, name);
  await page.goto(base);
  await page.getByTestId('credits').getByText('10').waitFor();
  return page;
}

let failedJobId: string;
let userToken: string;
let adminToken: string;
const balance = async (token: string) => ((await (await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { credits: number }).credits;

describe('the admin page in a browser', () => {
  it('a user, who sees no admin link, has a job fail', async () => {
    const page = await openConsole('user');
    await page.getByRole('button', { name: '만들기' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['클립 만들기', '스튜디오', '사진 규칙', '갤러리', '안전 뮤비', '내 작업']);
    await page.getByLabel('사진 선택').setInputFiles(photo);
    await page.getByText('업로드 완료').waitFor();
    await page.getByLabel('내 이야기로 다시 쓰기 (+1 크레딧)').check();
    // The stub text provider is told (STUB_FAIL=text:FAILME) to fail prompts containing this word.
    await page.getByLabel('나의 이야기').fill('FAILME 바닷가에서 자랐습니다');
    await page.getByRole('button', { name: '만들기' }).click();
    await page.waitForURL(/\/jobs\/job_/);
    failedJobId = page.url().split('/jobs/')[1]!;
    userToken = (await page.evaluate(() => localStorage.getItem('mediaforge.token')))!;
    await page.getByRole('alert').getByText('만들지 못했습니다', { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByTestId('credits').getByText('10').waitFor();
    // Typed by hand, the admin page refuses a non-admin (and so does the API).
    await page.goto(`${base}/admin`);
    await page.getByRole('alert').getByText('관리자만 볼 수 있는 페이지입니다.').waitFor();
    expect(await nav.getByRole('link', { name: '관리' }).count()).toBe(0);
    await page.context().close();
  }, 90_000);

  it('an admin sees the queues, the chart and the providers, retries the failed job at no charge, and it completes', async () => {
    // The provider recovered: the same data, without the injected failure.
    await server.restart(KEYS);

    const page = await openConsole('admin');
    adminToken = (await page.evaluate(() => localStorage.getItem('mediaforge.token')))!;
    const me = await (await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${adminToken}` } })).json() as { id: string };
    const made = await fetch(`${base}/v1/admin/users/${me.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin' }),
    });
    expect(made.status).toBe(200);
    await page.reload();
    const link = page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '관리' });
    await link.waitFor();
    // Keyboard: focus the link and press Enter.
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin$/);
    await page.getByRole('heading', { name: '운영 현황' }).waitFor();

    const queue = page.getByTestId('queue-counts');
    await queue.getByText('waiting').waitFor();
    await page.getByTestId('job-counts').getByText('실패').waitFor();
    await page.getByTestId('jobs-chart').waitFor();
    await expect(page.getByTestId('chart-bar').count()).resolves.toBe(12);
    const label = await page.getByTestId('jobs-chart').getAttribute('aria-label');
    expect(label).toMatch(/실패 [1-9]/);
    const text = page.getByTestId('provider-row').filter({ hasText: 'stub' }).first();
    await text.waitFor();
    await expect(page.getByTestId('circuit').first().textContent()).resolves.toMatch(/정상 \(닫힘\)|차단됨 \(열림\)|시험 중 \(반열림\)/);
    await page.getByText('재시도는 무료로 다시 실행합니다', { exact: false }).waitFor();

    const row = page.getByTestId('failed-job').filter({ hasText: failedJobId });
    await row.getByRole('button', { name: '자세히' }).click();
    // Its trace, its error and its provider call: who failed it and why.
    await row.getByTestId('job-trace').getByText('submitted to stub-text', { exact: false }).waitFor();
    await row.getByTestId('job-details').getByText('injected by STUB_FAIL', { exact: false }).first().waitFor();
    await row.getByTestId('job-calls').getByText('stub-text').waitFor();
    await page.screenshot({ path: shot('7-admin'), fullPage: true });

    await row.getByRole('button', { name: '재시도' }).click();
    const retried = page.getByTestId('retried-job').filter({ hasText: failedJobId });
    await retried.getByText('완료').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('failed-job').filter({ hasText: failedJobId }).count()).resolves.toBe(0);
    await page.screenshot({ path: shot('8-admin-retried'), fullPage: true });

    // At no charge: the user's balance is what it was (the failure refunded it, the retry charged nothing).
    expect(await balance(userToken)).toBe(10);
    await page.context().close();
  }, 120_000);

  it('is readable at phone width, in English too', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addInitScript((token) => localStorage.setItem('mediaforge.token', token), adminToken);
    const page = await context.newPage();
    recordOnFailure(page, 'admin-phone');
    await page.goto(`${base}/admin`);
    await page.getByTestId('provider-row').first().waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: shot('9-admin-phone'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.getByText('Retried at no charge', { exact: false }).waitFor();
    await context.close();
  }, 60_000);
});
