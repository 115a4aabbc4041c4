import { Browser, BrowserContext, expect, Locator, Page, TestInfo } from '@playwright/test';
import { ensureAdmin, jsEnabled, open, settle, signIn } from './helpers';

// Shared steps of the live-checkpoint tests.

let counter = 0;

/** Signs in as the admin, creates a squad and a checkpoint, starts it; returns the room's URL and code. */
/** A squad and a started checkpoint in `edition` (the legacy 2019 unless asked: most specs test its figures). */
export async function newCheckpoint(page: Page, testInfo: TestInfo, edition = '2019') {
  await ensureAdmin(testInfo);
  await signIn(page, testInfo);
  await open(page, testInfo, '/squads');
  const squad = `Voting ${testInfo.project.name} ${Date.now() % 100000}-${counter++}`;
  await page.getByLabel('Squad name').fill(squad);
  await page.getByLabel('Tribe', { exact: true }).fill('Live');
  await page.getByRole('button', { name: 'Create squad' }).click();
  await page.getByRole('link', { name: squad }).click();
  await settle(page, testInfo);
  await expect(page.getByText('No checkpoints yet')).toBeVisible();
  await page.locator('select[name="benchmark"]').selectOption(edition);
  await page.getByRole('button', { name: 'Create checkpoint' }).click();
  await expect(page).toHaveURL(/\/checkpoints\/[0-9a-f-]+$/);
  await settle(page, testInfo);
  await page.getByRole('button', { name: 'Start the checkpoint' }).click();
  await expect(page.locator('.status-pill')).toHaveText('Live');
  await settle(page, testInfo);
  const code = (await page.getByTestId('join-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  return { url: page.url(), code };
}

export async function join(browser: Browser, testInfo: TestInfo, code: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await open(page, testInfo, '/join');
  await page.getByLabel('Join code').fill(code.toLowerCase());
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page).toHaveURL(/\/checkpoints\//);
  await settle(page, testInfo);
  // With JavaScript the room arrives after a client-side navigation (and its wasm chunk).
  await expect(page.getByRole('navigation', { name: 'Stages' })).toBeVisible();
  return { context, page };
}

export async function waitLive(page: Page) {
  await expect(page.getByTestId('link')).toHaveText('Connected');
}

export async function goToStage(page: Page, stage: string) {
  await page.getByRole('navigation', { name: 'Stages' }).getByRole('button', { name: stage }).click();
}

export async function vote(page: Page, label: string) {
  await page.getByLabel(label, { exact: true }).check();
  await page.getByRole('button', { name: /Cast my vote|Change my vote/ }).click();
  await expect(page.getByTestId('my-vote')).toHaveText(`You voted: ${label}`);
}


/** Without JavaScript a page shows the state of its last load: reload it. */
export async function refresh(page: Page, testInfo: TestInfo) {
  if (!jsEnabled(testInfo)) {
    await page.reload();
    await settle(page, testInfo);
  }
}

/**
 * Clicks a control that submits a form. Without JavaScript that is a
 * navigation: it waits for the answer to load, so a reload after it cannot race
 * it ("Not attached to an active page").
 */
export async function submit(page: Page, testInfo: TestInfo, control: Locator) {
  const loaded = jsEnabled(testInfo) ? null : page.waitForEvent('load');
  await control.click();
  if (loaded) await loaded;
}

const accepting = new WeakSet<Page>();

/** Confirms every browser dialog on this page (once registered, it stays). */
export function acceptDialogs(page: Page) {
  if (accepting.has(page)) return;
  accepting.add(page);
  page.on('dialog', (d) => d.accept());
}

/** The facilitator reveals and locks each question at its suggested (or best) answer. */
export async function lockAllQuestions(page: Page, testInfo: TestInfo) {
  acceptDialogs(page);
  for (const stage of ['Lead time for changes', 'Deployment frequency', 'Time to restore service', 'Change failure rate']) {
    await goToStage(page, stage);
    await expect(page.getByRole('heading', { name: stage, level: 2 })).toBeVisible();
    await page.getByRole('button', { name: 'Reveal the votes' }).click();
    await page.getByRole('button', { name: 'Lock the answer' }).click();
    await expect(page.getByTestId('locked-answer')).toBeVisible();
    await settle(page, testInfo);
  }
}
