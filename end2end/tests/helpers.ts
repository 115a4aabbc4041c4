import { BrowserContext, expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import { launch, stateFile } from '../global-setup';

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.name === 'js';
}

/** The setup token of the server this project talks to. */
export function setupToken(testInfo: TestInfo): string | null {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  return state.external ? state.token : state[testInfo.project.name].token;
}

/** Opens a page and, with JavaScript on, waits until it is hydrated (a click before that is lost). */
export async function open(page: Page, testInfo: TestInfo, path: string) {
  watchErrors(page);
  await page.goto(path);
  await settle(page, testInfo);
}

const pageErrors = new WeakMap<Page, string[]>();
const consoleLines = new WeakMap<Page, string[]>();

/** Records script errors and hydration warnings so that a page that breaks in the browser fails its test. */
function watchErrors(page: Page) {
  if (pageErrors.has(page)) return;
  const errors: string[] = [];
  const lines: string[] = [];
  pageErrors.set(page, errors);
  consoleLines.set(page, lines);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') lines.push(`${m.type()}: ${m.text().slice(0, 300)}`);
    if (m.type() === 'error' && /hydrat/i.test(m.text())) errors.push(m.text().slice(0, 500));
    if (m.type() === 'warning' && /outside a <Suspense/.test(m.text())) errors.push(m.text().slice(0, 300));
  });
  page.on('requestfailed', (r) => lines.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
}

export async function settle(page: Page, testInfo: TestInfo) {
  watchErrors(page);
  if (jsEnabled(testInfo)) {
    // Why the race: a page that panics while hydrating never sets the flag, and
    // the test would otherwise spend its whole timeout waiting without saying why.
    const hydrated = page.locator('body[data-hydrated="true"]').waitFor({ timeout: 45_000 }).then(() => true, () => false);
    const errors = pageErrors.get(page)!;
    const broke = (async () => {
      while (errors.length === 0) await new Promise((r) => setTimeout(r, 100));
      return false;
    })();
    let ok = await Promise.race([hydrated, broke]);
    if (!ok && errors.length === 0) {
      // Seen twice in CI under load, never reproduced locally: a page that sits
      // unhydrated without any error. Reload once, and say so in the report.
      testInfo.annotations.push({ type: 'unhydrated-reload', description: `${page.url()}\n${consoleLines.get(page)!.slice(-20).join('\n')}` });
      console.warn(`warning: ${page.url()} did not hydrate in 45 s without an error; reloading once`);
      await page.reload();
      ok = await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 45_000 }).then(() => true, () => false);
    }
    if (!ok) {
      const seen = consoleLines.get(page)!.slice(-20).join('\n');
      throw new Error(`${page.url()} did not hydrate.\nErrors: ${JSON.stringify(errors)}\nConsole and failed requests:\n${seen}`);
    }
    expect(errors, 'no script or hydration errors').toEqual([]);
  } else {
    await page.waitForLoadState('load');
  }
}

/** No serious or critical axe-core violation on the current page. axe needs
 * scripts to run, so without JavaScript the same URL is checked in a scripted
 * context whose app bundle is blocked: the page stays server-rendered. */
export async function expectAccessible(page: Page) {
  let target = page;
  let scratch: BrowserContext | null = null;
  if (test.info().project.use.javaScriptEnabled === false) {
    const browser = page.context().browser()!;
    scratch = await browser.newContext({ javaScriptEnabled: true, storageState: await page.context().storageState() });
    await scratch.route('**/pkg/*.js', (route) => route.abort());
    target = await scratch.newPage();
    await target.goto(page.url());
  }
  const results = await new AxeBuilder({ page: target }).analyze();
  await scratch?.close();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

export async function signIn(page: Page, testInfo: TestInfo, username = ADMIN.username, password = ADMIN.password) {
  await open(page, testInfo, '/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.whoami')).toContainText(username);
  await settle(page, testInfo);
}


/** Makes sure the first admin exists (when this file runs without the foundation tests before it). */
export async function ensureAdmin(testInfo: TestInfo) {
  const token = setupToken(testInfo);
  if (!token) return;
  const base = testInfo.project.use.baseURL!;
  // Refused once setup is complete: that is fine.
  await fetch(`${base}/api/complete_setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, username: ADMIN.username, password: ADMIN.password }),
  });
}

/** True when this run started its own servers (so a test may restart one). */
export function ownsServers(): boolean {
  return !JSON.parse(fs.readFileSync(stateFile, 'utf8')).external;
}

/** Stops this project's server with SIGTERM and starts it again on the same database and port. */
export async function restartServer(testInfo: TestInfo) {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const s = state[testInfo.project.name];
  process.kill(s.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try { process.kill(s.pid, 0); } catch { break; }
    if (Date.now() > deadline) throw new Error('the server did not stop within 20 s of SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
  }
  const { child, ready } = launch(s.bin, s.args, s.url, s.dir, true);
  await ready;
  s.pid = child.pid;
  fs.writeFileSync(stateFile, JSON.stringify(state));
}
