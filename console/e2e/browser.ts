import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e', import.meta.url));

/** Debian's Chromium, never a downloaded one (`apt-get install -y chromium`; .ci/run does it). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export const shot = (name: string) => path.join(ARTIFACTS, `${name}.png`);

/** On a failure, the page as it was: a full-page screenshot, its text and its console, for the CI log. */
export function recordOnFailure(page: Page, name: string): void {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  onTestFailed(async () => {
    await page.screenshot({ path: shot(`failed-${name}`), fullPage: true }).catch(() => {});
    const text = await page.locator('body').innerText().catch(() => '(no page)');
    console.log(`--- ${name} failed at ${page.url()}\n${text}\n--- console:\n${logs.join('\n')}`);
  });
}
