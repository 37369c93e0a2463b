/**
 * A real headless Chromium (Debian's `chromium`, installed by .ci/run when missing) driven by
 * puppeteer-core. Every page records its console errors and failed requests so a test can assert none;
 * screenshots go to test-results/screenshots (git-ignored) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const CANDIDATES = [process.env.KRTRADE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export function chromiumPath(): string {
  const p = CANDIDATES.find((c): c is string => !!c && existsSync(c));
  if (!p) throw new Error('no Chromium found: install Debian\'s chromium (apt-get install chromium) or set KRTRADE_CHROMIUM');
  return p;
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // CI runs as root in a container: Chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--window-size=1280,800'],
    defaultViewport: { width: 1280, height: 800 },
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  problems: string[];
}

export async function openPage(browser: Browser, creds?: { username: string; password: string }): Promise<WatchedPage> {
  // Its own context: Chromium caches Basic credentials per context, so logins never leak between pages.
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => {
    // An EventSource torn down by navigation or close is not a failure of the page.
    if (!r.url().includes('/charts/live')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  if (creds) await page.authenticate(creds);
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}
