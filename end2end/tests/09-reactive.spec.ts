import { expect, Page, test } from '@playwright/test';
import { jsEnabled, settle } from './helpers';
import { acceptDialogs, goToStage, join, lockAllQuestions, newCheckpoint, vote, waitLive } from './live';

// Other people's votes and ratings reach everyone's page as they happen. What
// a person has chosen but not sent yet must survive them: a stage drawn again
// on every change of the room would wipe it.

test.describe.configure({ mode: 'serial' });

/** The room's revision as this page last heard it. */
async function revision(page: Page): Promise<number> {
  return Number(await page.locator('.room').getAttribute('data-revision'));
}

/** Waits until this page has heard of a change after `rev`. */
async function heardAfter(page: Page, rev: number) {
  await expect.poll(() => revision(page)).toBeGreaterThan(rev);
}

/** Marks the page's window: a page reloaded (a plain form post) loses the mark. */
async function markWindow(page: Page) {
  await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
}

async function stillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept === true);
}

const COUNTS: Record<string, number> = { westrum: 7, monitoring: 6, small_batches: 3 };

test('an unsent ballot choice and a half-filled rating form survive other people\'s votes and ratings @reactive', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without JavaScript nothing arrives while the page is open');
  test.setTimeout(150_000);
  const { code } = await newCheckpoint(page, testInfo);
  const ana = await join(browser, testInfo, code, 'Ana');
  const bo = await join(browser, testInfo, code, 'Bo');
  const a = ana.page;
  const b = bo.page;
  acceptDialogs(page);

  // The question stage: Ana picks an answer and does not send it; Bo votes.
  await goToStage(page, 'Lead time for changes');
  for (const p of [a, b]) {
    await waitLive(p);
    await expect(p.getByRole('heading', { name: 'Lead time for changes', level: 2 })).toBeVisible();
  }
  await a.getByLabel('Less than one hour', { exact: true }).check();
  const before = await revision(a);
  await vote(b, 'Between one day and one week');
  await heardAfter(a, before);
  await expect(a.getByTestId('vote-count')).toHaveText('1 of 2 voted');
  await expect(a.getByLabel('Less than one hour', { exact: true }), 'Ana\'s unsent choice is still made').toBeChecked();
  await expect(a.getByTestId('my-vote')).toHaveText('You have not voted yet.');
  // Her choice is still the ballot's: sending it goes over the live link, as
  // any vote does, not by a plain post that reloads the page.
  await markWindow(a);
  await a.getByRole('button', { name: 'Cast my vote' }).click();
  await expect(a.getByTestId('my-vote')).toHaveText('You voted: Less than one hour');
  expect.soft(await stillMarked(a), 'the vote was sent without reloading the page').toBe(true);

  // The capabilities stage: Ana rates two statements of seven; the facilitator
  // picks a capability from the catalog and does not add it yet; Bo rates.
  await lockAllQuestions(page, testInfo);
  await page.getByRole('button', { name: 'Next: Maturity' }).click();
  await page.getByRole('button', { name: 'Next: Capabilities' }).click();
  for (const p of [page, a, b]) await expect(p.getByRole('heading', { name: 'Capabilities', level: 2 })).toBeVisible();
  await settle(page, testInfo);
  const westrum = (p: Page, i: number) => p.locator(`fieldset[data-statement="westrum-${i}"]`);
  await westrum(a, 0).getByLabel('Agree', { exact: true }).check();
  await westrum(a, 1).getByLabel('Strongly disagree', { exact: true }).check();
  await expect(a.getByTestId('save-status')).toHaveText('');
  await page.getByLabel('Or from the catalog').selectOption('continuous_integration');

  // Bo rates every statement: Ana and the facilitator hear of it.
  for (const [cap, count] of Object.entries(COUNTS)) {
    for (let i = 0; i < count; i++) await b.locator(`fieldset[data-statement="${cap}-${i}"]`).getByLabel('Agree', { exact: true }).check();
  }
  await expect(b.getByTestId('save-status')).toHaveText('');
  for (const p of [page, a]) await expect(p.getByTestId('rated-count')).toHaveText('1 of 2 done');
  await expect(westrum(a, 0).getByLabel('Agree', { exact: true })).toBeChecked();
  await expect(westrum(a, 1).getByLabel('Strongly disagree', { exact: true })).toBeChecked();
  for (const i of [2, 3, 4, 5, 6]) await expect(westrum(a, i).locator('input:checked')).toHaveCount(0);
  // The facilitator's pick, made before Bo's ratings, is still the one added.
  await expect(page.getByLabel('Or from the catalog')).toHaveValue('continuous_integration');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('focus')).toContainText('Continuous integration');

  await ana.context.close();
  await bo.context.close();
});
